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
  DataTable,
  ErrorBox,
  InputField,
  LiveIndicator,
  Loading,
  NameCell,
  type InputAttributes,
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
    <DataTable
      className="stations responsive"
      caption="Stations, their config status, last reading and open alerts"
      columns={['Station', 'Config', 'Last seen', 'Open alerts', 'Sensors']}
      rows={devices}
      keyOf={(d) => d.id}
      testId={(d) => `station-${d.id}`}
    >
      {(d) => (
        <>
          <NameCell
            label="Station"
            name={<a href={`#/stations/${encodeURIComponent(d.id)}`}>{d.name}</a>}
            detail={d.id}
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
        </>
      )}
    </DataTable>
  );
}

const ID_RULE = 'Letters, digits and . _ : - (at most 128), e.g. buoy-7';

type NewStationKey = 'id' | 'name' | 'interval';

/** The new station's inputs: the form key, the API field its ValidationError names, the input's own props. */
const NEW_STATION_INPUTS: readonly ({
  key: NewStationKey;
  field: string;
  id: string;
  label: string;
  hint?: string;
} & InputAttributes)[] = [
  { key: 'id', field: 'id', id: 'new-id', label: 'Station id', hint: ID_RULE, required: true },
  { key: 'name', field: 'name', id: 'new-name', label: 'Name', required: true },
  {
    key: 'interval',
    field: 'sensorIntervalMs',
    id: 'new-interval',
    label: 'Reporting interval (seconds)',
    type: 'number',
    min: '1',
    inputMode: 'numeric',
  },
];

/** Admin: a new station with an id, a name and a reporting interval; sensors are added on its page. */
function AddStation() {
  const { api } = useConsole();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<NewStationKey, string>>({ id: '', name: '', interval: '600' });
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const fieldError = (f: string) => error?.fields[`input.${f}`];

  const submit = useCallback(
    async (event: FormEvent) => {
      event.preventDefault();
      setBusy(true);
      setError(undefined);
      const { id, name, interval } = values;
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
    [api, values],
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
      {NEW_STATION_INPUTS.map(({ key, field, ...input }) => (
        <InputField
          key={key}
          {...input}
          error={fieldError(field)}
          value={values[key]}
          onValue={(value) => setValues((v) => ({ ...v, [key]: value }))}
        />
      ))}
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
