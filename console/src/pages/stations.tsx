import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../lib/context';
import { allDevices, applyDeviceEvent } from '../lib/devices';
import { ago, formatInterval } from '../lib/format';
import { useFallbackRefresh, useLiveState } from '../lib/live';
import { useAsync } from '../lib/use-async';
import { toApiError, type ApiError } from '../lib/errors';
import type { Alert, Device } from '../lib/types';
import {
  ConfigStatusBadge,
  ErrorBox,
  InputField,
  LiveIndicator,
  Loading,
  NameCell,
  TableHead,
} from '../components/common';
import { navigate } from '../lib/router';

/** The stations with config status, last seen and open alerts; admins add stations here. */
export function StationsPage() {
  const { api, user } = useConsole();
  const live = useLiveState();
  const devices = useAsync(() => allDevices(api), [api]);
  const { set, reload } = devices;

  useEffect(
    () =>
      api.subscribe<Device>(
        'onDeviceConfigChanged',
        {},
        (event) => set((list) => applyDeviceEvent(list ?? [], event)),
        () => undefined,
      ),
    [api, set],
  );
  useEffect(() => {
    if (!api.capabilities.alerts) return;
    // An alert event does not carry the device's count: re-read that one device.
    return api.subscribe<Alert>(
      'onAlertChanged',
      {},
      (alert) => {
        api.request<Device | null>('device', { id: alert.deviceId }).then(
          (d) => d && set((list) => applyDeviceEvent(list ?? [], d)),
          () => undefined,
        );
      },
      () => undefined,
    );
  }, [api, set]);
  useFallbackRefresh(live, reload);

  return (
    <section aria-labelledby="stations-title">
      <div className="page-head">
        <h1 id="stations-title">Stations</h1>
        {devices.data ? <span className="muted">{devices.data.length} stations</span> : null}
        <LiveIndicator state={live} />
      </div>
      {user.role === 'admin' ? <AddStation /> : null}
      {devices.error ? <ErrorBox error={devices.error} retry={reload} what="load the stations" /> : null}
      {devices.loading && !devices.data ? <Loading what="stations" /> : null}
      {devices.data && devices.data.length === 0 ? (
        <p className="empty">
          No stations yet.{' '}
          {user.role === 'admin'
            ? 'Add one above, or run `npm run simulate` for simulated ones.'
            : 'An admin adds them.'}
        </p>
      ) : null}
      {devices.data && devices.data.length > 0 ? (
        <StationTable devices={devices.data} alerts={api.capabilities.alerts} />
      ) : null}
    </section>
  );
}

export function StationTable({ devices, alerts }: { devices: readonly Device[]; alerts: boolean }) {
  // Re-render once a minute so "last seen" stays true without a request.
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <table className="stations responsive">
      <TableHead
        caption="Stations, their config status, last reading and open alerts"
        columns={['Station', 'Config', 'Last seen', 'Open alerts', 'Sensors']}
      />
      <tbody>
        {devices.map((d) => (
          <tr key={d.id} data-testid={`station-${d.id}`}>
            <NameCell
              label="Station"
              name={<a href={`#/stations/${encodeURIComponent(d.id)}`}>{d.name}</a>}
              id={d.id}
              off={d.enabled ? undefined : 'disabled'}
            />
            <td data-label="Config">
              <ConfigStatusBadge status={d.configStatus} version={d.configVersion} />
            </td>
            <td data-label="Last seen" title={d.lastSeenAt ?? 'never'}>
              {ago(d.lastSeenAt, now)}
            </td>
            <td data-label="Open alerts">
              {alerts ? (
                d.openAlerts ? (
                  <a className="badge alert-badge" href={`#/alerts?device=${encodeURIComponent(d.id)}`}>
                    {d.openAlerts} open
                  </a>
                ) : (
                  <span className="muted">none</span>
                )
              ) : (
                <span className="muted" title="This API does not serve alerts yet">
                  n/a
                </span>
              )}
            </td>
            <td data-label="Sensors">
              {d.sensors.length} every {formatInterval(d.sensorIntervalMs)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const ID_RULE = 'Letters, digits and . _ : - (at most 128), e.g. buoy-7';

/** Admin: a new station with an id, a name and a reporting interval; sensors are added on its page. */
function AddStation() {
  const { api } = useConsole();
  const [open, setOpen] = useState(false);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [interval, setIntervalS] = useState('600');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const fieldError = (f: string) => error?.fields[`input.${f}`];

  const submit = useCallback(
    async (event: FormEvent) => {
      event.preventDefault();
      setBusy(true);
      setError(undefined);
      try {
        const created = await api.request<Device>('createDevice', {
          input: { id: id.trim(), name: name.trim(), sensorIntervalMs: Math.round(Number(interval) * 1000) },
        });
        navigate(`/stations/${encodeURIComponent(created.id)}`);
      } catch (err) {
        setError(toApiError(err));
      } finally {
        setBusy(false);
      }
    },
    [api, id, name, interval],
  );

  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Add station
      </button>
    );
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="add-station-title">
      <h2 id="add-station-title">Add station</h2>
      <InputField
        id="new-id"
        label="Station id"
        error={fieldError('id')}
        hint={ID_RULE}
        required
        value={id}
        onValue={setId}
      />
      <InputField
        id="new-name"
        label="Name"
        error={fieldError('name')}
        required
        value={name}
        onValue={setName}
      />
      <InputField
        id="new-interval"
        label="Reporting interval (seconds)"
        error={fieldError('sensorIntervalMs')}
        type="number"
        min="1"
        inputMode="numeric"
        value={interval}
        onValue={setIntervalS}
      />
      {error && Object.keys(error.fields).length === 0 ? (
        <ErrorBox error={error} what="add the station" />
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Adding...' : 'Add'}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
