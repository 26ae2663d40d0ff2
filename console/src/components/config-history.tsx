import { useState } from 'react';
import { useConsole } from '../lib/context';
import { toApiError, type ApiError } from '../lib/errors';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/use-async';
import type { Connection, Device, DeviceConfigVersion } from '../lib/types';
import { DataTable, ErrorBox, Loading } from './common';

const show = (json: string | null | undefined) => (json === null || json === undefined ? '(none)' : json);

/** The config versions with their diffs; admins roll back to an earlier one (a new version). */
export function ConfigHistory({ device, onChanged }: { device: Device; onChanged: (d: Device) => void }) {
  const { api, user } = useConsole();
  const history = useAsync(
    () => api.request<Connection<DeviceConfigVersion>>('configHistory', { deviceId: device.id, limit: 20 }),
    // A new version (a save, a rollback, another admin) reloads the list.
    [api, device.id, device.configVersion],
  );
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState<number>();

  async function rollback(version: number) {
    if (!window.confirm(`Roll back to version ${version}? Its config is issued as a new version.`)) return;
    setBusy(version);
    setError(undefined);
    try {
      onChanged(await api.request<Device>('rollbackDeviceConfig', { deviceId: device.id, version }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">Config history</h2>
      {history.error ? (
        <ErrorBox error={history.error} retry={history.reload} what="load the history" />
      ) : null}
      {error ? <ErrorBox error={error} what="roll back" /> : null}
      {history.loading && !history.data ? <Loading what="the history" /> : null}
      <ol className="history" reversed>
        {history.data?.items.map((v) => (
          <li key={v.version} data-testid={`version-${v.version}`}>
            <div className="history-head">
              <strong>v{v.version}</strong> {v.change} by {v.changedBy ?? 'unknown'} at{' '}
              {formatTime(v.changedAt)}
              {v.version === device.configVersion ? <span className="badge">current</span> : null}
              {user.role === 'admin' && v.version !== device.configVersion ? (
                <button
                  type="button"
                  className="secondary small"
                  disabled={busy !== undefined}
                  onClick={() => rollback(v.version)}
                  aria-label={`Roll back to version ${v.version}`}
                >
                  {busy === v.version ? 'Rolling back...' : 'Roll back to this'}
                </button>
              ) : null}
            </div>
            {v.diff.length ? (
              <DataTable
                className="diff"
                caption={<>Changes in version {v.version}</>}
                columns={['Field', 'Before', 'After']}
                rows={v.diff}
                keyOf={(c) => c.path}
              >
                {(c) => (
                  <>
                    <td>
                      <code>{c.path}</code>
                    </td>
                    <td className="removed">{show(c.from)}</td>
                    <td className="added">{show(c.to)}</td>
                  </>
                )}
              </DataTable>
            ) : (
              <p className="muted small">No field changed.</p>
            )}
          </li>
        ))}
      </ol>
      {history.data?.nextToken ? <p className="muted small">Showing the 20 newest versions.</p> : null}
    </section>
  );
}
