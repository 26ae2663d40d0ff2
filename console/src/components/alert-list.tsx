import { useState } from 'react';
import { useConsole } from '../lib/context';
import { toApiError, type ApiError } from '../lib/errors';
import { formatTime, formatValue } from '../lib/format';
import type { Alert } from '../lib/types';
import { ErrorBox } from './common';

const KIND: Record<Alert['kind'], string> = { HIGH: 'above max', LOW: 'below min', SILENT: 'silent' };

/** Alerts with acknowledge (OPEN -> ACKNOWLEDGED) and an optional note. */
export function AlertList({
  alerts,
  onChanged,
}: {
  alerts: readonly Alert[];
  onChanged: (a: Alert) => void;
}) {
  if (!alerts.length) return <p className="empty">No alerts here.</p>;
  return (
    <ul className="alerts">
      {alerts.map((a) => (
        <AlertItem key={a.id} alert={a} onChanged={onChanged} />
      ))}
    </ul>
  );
}

function AlertItem({ alert, onChanged }: { alert: Alert; onChanged: (a: Alert) => void }) {
  const { api } = useConsole();
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const noteId = `note-${alert.id}`;

  async function acknowledge() {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await api.request<Alert>('acknowledgeAlert', { id: alert.id, note: note.trim() || null }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={`alert state-${alert.state.toLowerCase()}`} data-testid={`alert-${alert.id}`}>
      <div>
        <strong>
          <a href={`#/stations/${encodeURIComponent(alert.deviceId)}`}>{alert.deviceId}</a>
          {alert.sensor ? ` ${alert.sensor}` : ''} {KIND[alert.kind]}
        </strong>{' '}
        <span className={`badge alert-state-${alert.state.toLowerCase()}`}>{alert.state}</span>
      </div>
      <div className="muted small">
        opened {formatTime(alert.openedAt)}
        {alert.threshold !== null ? `, limit ${formatValue(alert.threshold)}` : ''}
        {alert.worstValue !== null ? `, worst ${formatValue(alert.worstValue)}` : ''}
        {alert.lastValue !== null ? `, last ${formatValue(alert.lastValue)}` : ''}
        {alert.acknowledgedAt
          ? `; acknowledged ${formatTime(alert.acknowledgedAt)} by ${alert.acknowledgedBy ?? '?'}`
          : ''}
        {alert.resolvedAt ? `; resolved ${formatTime(alert.resolvedAt)}` : ''}
        {alert.note ? `; note: ${alert.note}` : ''}
      </div>
      {alert.state === 'OPEN' ? (
        <div className="ack">
          <label htmlFor={noteId}>Note (optional)</label>
          <input
            id={noteId}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="e.g. cleaned the probe"
          />
          <button type="button" onClick={acknowledge} disabled={busy}>
            {busy ? 'Acknowledging...' : 'Acknowledge'}
          </button>
        </div>
      ) : null}
      {error ? <ErrorBox error={error} what="acknowledge the alert" /> : null}
    </li>
  );
}

/** The list after one onAlertChanged event, newest first. */
export function applyAlertEvent(list: readonly Alert[], event: Alert): Alert[] {
  const rest = list.filter((a) => a.id !== event.id);
  return [event, ...rest].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}
