import { useCallback, useEffect, useState } from 'react';
import { useConsole } from '../lib/context';
import { ago, formatInterval, formatTime } from '../lib/format';
import { useFallbackRefresh, useLiveState } from '../lib/live';
import { RANGES, resolutionFor, type RangeId } from '../lib/ranges';
import { appendLatest, intervalMs, latestPollMs, mergeLatest, sensorSeries } from '../lib/readings';
import { useAsync } from '../lib/use-async';
import { toApiError, type ApiError } from '../lib/errors';
import type { Alert, Connection, Device, Reading, ReadingPoint, Sensor } from '../lib/types';
import { Chart } from '../components/chart';
import { ConfigEditor } from '../components/config-editor';
import { ConfigHistory } from '../components/config-history';
import { LatestValues } from '../components/latest-values';
import { AlertList, applyAlertEvent } from '../components/alert-list';
import { ConfigStatusBadge, ErrorBox, LiveIndicator, Loading } from '../components/common';
import { navigate } from '../lib/router';

/** One station: latest values, a chart per sensor, config, history and alerts, all kept live. */
export function StationPage({ id }: { id: string }) {
  const { api, user } = useConsole();
  const live = useLiveState();
  const device = useAsync(() => api.request<Device | null>('device', { id }), [api, id]);
  const latest = useAsync(() => api.request<Reading[]>('latestReadings', { deviceId: id }), [api, id]);
  const [now, setNow] = useState(Date.now());
  const setDevice = device.set;

  useEffect(
    () =>
      api.subscribe<Device>(
        'onDeviceConfigChanged',
        { deviceId: id },
        (event) => setDevice((d) => (event.deletedAt ? null : { ...(d ?? {}), ...event })),
        () => undefined,
      ),
    [api, id, setDevice],
  );
  useFallbackRefresh(live, device.reload);

  // No subscription carries readings (CONTRACT.md): the newest values are read at the station's own pace.
  const interval = device.data?.sensorIntervalMs ?? 60_000;
  const reloadLatest = latest.reload;
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      if (document.visibilityState !== 'hidden') reloadLatest();
    }, latestPollMs(interval));
    return () => clearInterval(timer);
  }, [interval, reloadLatest]);

  if (device.error) return <ErrorBox error={device.error} retry={device.reload} what="load the station" />;
  if (device.loading && device.data === undefined) return <Loading what="the station" />;
  const d = device.data;
  if (!d)
    return (
      <div className="error" role="alert">
        There is no station {id}: it may have been deleted. <a href="#/stations">Back to the stations</a>
      </div>
    );

  return (
    <article aria-labelledby="station-title">
      <div className="page-head">
        <h1 id="station-title">
          {d.name} <span className="muted small">{d.id}</span>
        </h1>
        <LiveIndicator state={live} />
      </div>
      <p className="station-summary">
        <ConfigStatusBadge status={d.configStatus} version={d.configVersion} />{' '}
        {d.configStatus === 'PENDING'
          ? `The station has applied v${d.reportedConfigVersion ?? '-'} so far.`
          : d.configStatus === 'REJECTED'
            ? `The station refused v${d.configVersion}: ${d.configRejectedReason ?? 'no reason given'}.`
            : ''}{' '}
        {d.delivery?.status === 'UNDELIVERED' ? (
          <span className="warning">
            Not delivered yet: {d.delivery.error ?? 'publish failed'}; it is re-sent.
          </span>
        ) : null}
        <span className="muted">
          {' '}
          Last seen {ago(d.lastSeenAt, now)}; reports every {formatInterval(d.sensorIntervalMs)}
          {d.enabled ? '' : '; disabled'}.
        </span>
      </p>

      <section className="card" aria-labelledby="latest-title">
        <h2 id="latest-title">Latest values</h2>
        {latest.error ? (
          <ErrorBox error={latest.error} retry={latest.reload} what="load the latest values" />
        ) : null}
        {latest.data ? (
          <LatestValues device={d} readings={latest.data} now={now} />
        ) : latest.loading ? (
          <Loading what="the latest values" />
        ) : null}
      </section>

      <Charts device={d} latest={latest.data} />

      {api.capabilities.alerts ? <StationAlerts deviceId={d.id} /> : null}

      <div className="two-columns">
        <ConfigEditor device={d} onSaved={(u) => setDevice(() => u)} />
        <ConfigHistory device={d} onChanged={(u) => setDevice(() => u)} />
      </div>
      {user.role === 'admin' ? <DangerZone device={d} /> : null}
    </article>
  );
}

/** A chart per enabled sensor over the chosen range; raw points for short ranges, buckets for long ones. */
function Charts({ device, latest }: { device: Device; latest: Reading[] | undefined }) {
  const { api } = useConsole();
  const [range, setRange] = useState<RangeId>('24h');
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const rangeMs = RANGES.find((r) => r.id === range)!.ms;
  const { interval } = resolutionFor(rangeMs, device.sensorIntervalMs);
  const sensors = device.sensors.filter((s) => s.enabled);
  const sensorKey = sensors.map((s) => s.id).join(',');
  const series = useAsync(async () => {
    const to = new Date(loadedAt + 60_000);
    const from = new Date(loadedAt - rangeMs);
    const all = await Promise.all(
      sensors.map((s) =>
        sensorSeries(api, {
          deviceId: device.id,
          sensor: s.id,
          from,
          to,
          sensorIntervalMs: device.sensorIntervalMs,
        }),
      ),
    );
    return new Map(sensors.map((s, i) => [s.id, all[i]!]));
  }, [api, device.id, sensorKey, rangeMs, loadedAt, device.sensorIntervalMs]);
  const [exporting, setExporting] = useState<string | ApiError>();

  async function exportCsv() {
    setExporting('Preparing the CSV...');
    try {
      const result = await api.request<{ url: string; rows: number }>('exportReadings', {
        deviceId: device.id,
        from: new Date(Date.now() - rangeMs).toISOString(),
        to: new Date().toISOString(),
      });
      setExporting(`${result.rows} rows ready.`);
      window.location.assign(result.url);
    } catch (err) {
      setExporting(toApiError(err));
    }
  }

  return (
    <section className="card" aria-labelledby="charts-title">
      <div className="page-head">
        <h2 id="charts-title">Readings</h2>
        <div className="toolbar">
          <label htmlFor="range">Range</label>
          <select id="range" value={range} onChange={(e) => setRange(e.target.value as RangeId)}>
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
          <span className="muted small">
            {interval ? `${interval} buckets (avg, min-max)` : 'raw points'}
          </span>
          <button type="button" className="secondary" onClick={() => setLoadedAt(Date.now())}>
            Refresh
          </button>
          {api.capabilities.export ? (
            <button type="button" className="secondary" onClick={exportCsv}>
              Export CSV
            </button>
          ) : null}
        </div>
      </div>
      {typeof exporting === 'string' ? <p role="status">{exporting}</p> : null}
      {exporting && typeof exporting !== 'string' ? <ErrorBox error={exporting} what="export" /> : null}
      {series.error ? <ErrorBox error={series.error} retry={series.reload} what="load the readings" /> : null}
      {series.loading && !series.data ? <Loading what="the readings" /> : null}
      {!sensors.length ? <p className="empty">This station has no enabled sensor.</p> : null}
      <div className="charts">
        {series.data
          ? sensors.map((s) => (
              <SensorChart
                key={s.id}
                device={device}
                sensor={s}
                series={series.data!.get(s.id)}
                latest={latest?.find((r) => r.sensor === s.id)}
                range={RANGES.find((r) => r.id === range)!.label}
              />
            ))
          : null}
      </div>
    </section>
  );
}

function SensorChart(props: {
  device: Device;
  sensor: Sensor;
  series: { points: ReadingPoint[]; buckets: boolean; interval: string | null } | undefined;
  latest: Reading | undefined;
  range: string;
}) {
  const { sensor, series, latest } = props;
  // The chart moves with the station: raw charts grow a live tail, bucket charts fold each newer reading in.
  const [tail, setTail] = useState<{ base: typeof series; points: readonly ReadingPoint[]; merged?: string }>(
    {
      base: series,
      points: [],
    },
  );
  useEffect(() => {
    setTail((t) => {
      if (!series) return { base: series, points: [] };
      const start = t.base === series && t.points.length ? t.points : series.points;
      const merged = t.base === series ? t.merged : undefined;
      if (!latest) return { base: series, points: start, ...(merged ? { merged } : {}) };
      const points = series.interval
        ? mergeLatest(start, latest, intervalMs(series.interval), merged)
        : appendLatest(start, latest);
      return { base: series, points, merged: latest.time };
    });
  }, [series, latest]);
  const points = !series ? [] : tail.base === series && tail.points.length ? tail.points : series.points;
  const title = `${sensor.measurement}${sensor.unit ? ` (${sensor.unit})` : ''}`;
  return (
    <div className="sensor-chart" data-testid={`chart-${sensor.id}`} data-points={points.length}>
      <h3>
        {title}{' '}
        <span className="muted small">
          {points.length
            ? `${points.length} ${series?.buckets ? 'buckets' : 'points'}`
            : 'no data in this range'}
          {latest ? `, last ${formatTime(latest.time)}` : ''}
        </span>
      </h3>
      <Chart
        label={`${title} of ${props.device.name}, ${props.range.toLowerCase()}`}
        unit={sensor.unit}
        points={points}
        buckets={series?.buckets ?? false}
        min={sensor.min}
        max={sensor.max}
      />
    </div>
  );
}

function StationAlerts({ deviceId }: { deviceId: string }) {
  const { api } = useConsole();
  const alerts = useAsync(
    () => api.request<Connection<Alert>>('alerts', { deviceId, limit: 20 }).then((c) => c.items),
    [api, deviceId],
  );
  const set = alerts.set;
  const onChanged = useCallback((a: Alert) => set((list) => applyAlertEvent(list ?? [], a)), [set]);
  useEffect(
    () => api.subscribe<Alert>('onAlertChanged', { deviceId }, onChanged, () => undefined),
    [api, deviceId, onChanged],
  );
  return (
    <section className="card" aria-labelledby="station-alerts-title">
      <h2 id="station-alerts-title">Alerts</h2>
      {alerts.error ? <ErrorBox error={alerts.error} retry={alerts.reload} what="load the alerts" /> : null}
      {alerts.data ? (
        <AlertList alerts={alerts.data} onChanged={onChanged} />
      ) : alerts.loading ? (
        <Loading what="alerts" />
      ) : null}
    </section>
  );
}

function DangerZone({ device }: { device: Device }) {
  const { api } = useConsole();
  const [error, setError] = useState<ApiError>();
  async function remove() {
    if (!window.confirm(`Delete station ${device.id}? Its readings stay; its config and history go.`)) return;
    try {
      await api.request('deleteDevice', { id: device.id });
      navigate('/stations');
    } catch (err) {
      setError(toApiError(err));
    }
  }
  return (
    <section className="card danger" aria-labelledby="danger-title">
      <h2 id="danger-title">Delete</h2>
      <button type="button" className="danger-button" onClick={remove}>
        Delete station {device.id}
      </button>
      {error ? <ErrorBox error={error} what="delete the station" /> : null}
    </section>
  );
}
