import { useState } from 'react';
import { useConsole } from '../lib/context';
import { toApiError, type ApiError } from '../lib/errors';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/use-async';
import type { Connection, RejectedMessage } from '../lib/types';
import { ErrorBox, Loading } from '../components/common';

interface ReplayResult {
  accepted: boolean;
  reason: string | null;
  message: { id: string; replayCount: number; lastReplayedAt: string | null };
}

/** Admin: the messages the processor could not use, with their reason, and replay once the cause is fixed. */
export function RejectedPage() {
  const { api } = useConsole();
  const [deviceId, setDeviceId] = useState('');
  const [filter, setFilter] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const page = useAsync(
    () =>
      api.request<Connection<RejectedMessage>>('rejectedMessages', {
        deviceId: filter || null,
        limit: 50,
        nextToken: token,
      }),
    [api, filter, token],
  );
  const [results, setResults] = useState<Record<string, string | ApiError>>({});

  async function replay(m: RejectedMessage) {
    setResults((r) => ({ ...r, [m.id]: 'Replaying...' }));
    try {
      const result = await api.request<ReplayResult>('replayRejectedMessage', { id: m.id });
      setResults((r) => ({
        ...r,
        [m.id]: result.accepted
          ? 'Accepted: stored and removed from this list.'
          : `Rejected again: ${result.reason ?? 'no reason'}`,
      }));
      if (result.accepted) page.set((p) => p && { ...p, items: p.items.filter((x) => x.id !== m.id) });
    } catch (err) {
      setResults((r) => ({ ...r, [m.id]: toApiError(err) }));
    }
  }

  return (
    <section aria-labelledby="rejected-title">
      <h1 id="rejected-title">Rejected messages</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setToken(null);
          setFilter(deviceId.trim());
        }}
      >
        <label htmlFor="rejected-device">Station id</label>
        <input
          id="rejected-device"
          value={deviceId}
          onChange={(e) => setDeviceId(e.target.value)}
          placeholder="all stations"
        />
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} what="load the rejected messages" />
      ) : null}
      {page.loading && !page.data ? <Loading what="rejected messages" /> : null}
      {page.data && !page.data.items.length ? <p className="empty">No rejected messages.</p> : null}
      <ul className="rejected">
        {page.data?.items.map((m) => {
          const result = results[m.id];
          return (
            <li key={m.id} className="card">
              <div>
                <strong>{m.reason}</strong>
              </div>
              <div className="muted small">
                {m.deviceId ?? 'no station'} on <code>{m.topic}</code>, received {formatTime(m.receivedAt)}
                {m.replayCount ? `, replayed ${m.replayCount} times` : ''}
              </div>
              <pre className="payload" aria-label="Payload">
                {m.payloadEncoding === 'base64' ? `(base64) ${m.payload}` : m.payload}
              </pre>
              <button
                type="button"
                onClick={() => replay(m)}
                aria-label={`Replay the message from ${m.topic}`}
              >
                Replay
              </button>
              {typeof result === 'string' ? <p role="status">{result}</p> : null}
              {result && typeof result !== 'string' ? <ErrorBox error={result} what="replay" /> : null}
            </li>
          );
        })}
      </ul>
      {page.data?.nextToken ? (
        <button type="button" className="secondary" onClick={() => setToken(page.data!.nextToken)}>
          Older
        </button>
      ) : null}
    </section>
  );
}
