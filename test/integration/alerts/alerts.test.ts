import { Logger } from '@aws-lambda-powertools/logger';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService, DynamoAlertStore } from '../../../core/alerts';
import { OutboxNotificationSender } from '../../../core/alerts/outbox-notification-sender';
import { DeviceService, DynamoDeviceStore } from '../../../core/devices';
import type { Alert } from '../../../core/generated/graphql';
import { createIngestionPipeline, type InboundMessage } from '../../../core/ingestion';
import { ConflictError } from '../../../core/shared/errors';
import { DynamoUserStore } from '../../../core/users';
import { DeviceCache } from '../../../processors/calibration/device-cache';
import { documentClientOf } from '../../../resolvers/api/deps';
import { FakePublisher } from '../../helpers/devices-harness';
import { linearSensor } from '../../../testkit/device-inputs';
import { useDuckDb, useDynamo } from '../../../testkit/embedded';
import { FakeNotifier, message } from '../../../testkit/telemetry-fixtures';

// The alert rules as the processor runs them: the real device and alert stores on dynalite, the
// DuckDB telemetry store, the device cache; each `processor()` is one container (its own cache
// and in-memory trackers), so several of them are concurrent Lambdas.
const dynamo = useDynamo();
const telemetry = useDuckDb();
let outboxDir: string;
const silent = new Logger({ serviceName: 'alerts-test', logLevel: 'SILENT' });
// Twenty minutes back: the other stations' silence deadlines (3 x 10 min) stay in the future for the silence tests.
const BASE = Date.now() - 20 * 60_000;

beforeAll(() => {
  outboxDir = mkdtempSync(join(tmpdir(), 'yvr-outbox-'));
});
afterAll(() => {
  rmSync(outboxDir, { recursive: true, force: true });
});

const docs = () => documentClientOf(dynamo.client);
const deviceStore = () => new DynamoDeviceStore({ client: docs(), tableName: dynamo.tableName });
const alertStore = () => new DynamoAlertStore({ client: docs(), tableName: dynamo.tableName });
const devices = () =>
  new DeviceService({ store: deviceStore(), publisher: new FakePublisher(), logger: silent });
const profiles = () => new DynamoUserStore({ client: docs(), tableName: dynamo.tableName });

class RecordingPublisher {
  readonly events: Alert[] = [];
  async alertChanged(alert: Alert) {
    this.events.push(alert);
  }
}

function processor(clock: () => number = Date.now) {
  const store = deviceStore();
  const publisher = new RecordingPublisher();
  const sender = new OutboxNotificationSender({
    dir: outboxDir,
    profiles: async () => (await profiles().list(100)).items,
  });
  const alerts = new AlertService({ store: alertStore(), publisher, sender, clock, logger: silent });
  const pipeline = createIngestionPipeline({
    devices: new DeviceCache({ source: { get: (id) => store.getWithAlerts(id) } }),
    telemetry,
    acks: devices(),
    notifier: new FakeNotifier(),
    lastSeen: store,
    alerts,
    logger: silent,
  });
  return { pipeline, alerts, publisher };
}

async function createStation(
  id: string,
  extra: Record<string, unknown> = {},
  rule = { afterReadings: 3, deadband: 0.5 },
) {
  await devices().createDevice(
    {
      id,
      name: `Station ${id}`,
      sensors: [
        linearSensor('ph', 'ph', 14, 14, { unit: 'pH', min: 6, max: 9, alertsEnabled: true, alert: rule }),
      ],
      ...extra,
    },
    'test',
  );
}

/** One reading message of device `id`, n intervals of 1 s after BASE. */
const ph = (id: string, n: number, value: number): InboundMessage =>
  message(`devices/${id}/readings`, { ts: BASE + n * 1000, readings: { ph: value } }, BASE + n * 1000 + 50);

const alertsOf = async (deviceId: string) => (await alertStore().list({ deviceId, limit: 100 })).items;
const summary = (list: Alert[]) =>
  list.map((a) => ({ id: a.id, state: a.state, kind: a.kind, worst: a.worstValue }));

describe('threshold alerts in the processor', () => {
  it('opens one alert once a breach lasts afterReadings, keeps it inside the deadband and resolves past it', async () => {
    await createStation('t1');
    const p = processor();
    await p.pipeline.process([ph('t1', 1, 7), ph('t1', 2, 9.5), ph('t1', 3, 9.6)]);
    expect(await alertsOf('t1')).toEqual([]);

    await p.pipeline.process([ph('t1', 4, 9.8), ph('t1', 5, 10.2)]);
    const open = await alertsOf('t1');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      kind: 'HIGH',
      state: 'OPEN',
      sensor: 'ph',
      threshold: 9,
      worstValue: 10.2,
    });
    expect(open[0]!.openedAt).toBe(new Date(BASE + 2000).toISOString());
    expect((await devices().device('t1'))?.openAlerts).toBe(1);

    await p.pipeline.process([ph('t1', 6, 8.8)]);
    expect((await alertsOf('t1'))[0]?.state).toBe('OPEN');

    await p.pipeline.process([ph('t1', 7, 8.4)]);
    const [resolved] = await alertsOf('t1');
    expect(resolved).toMatchObject({ state: 'RESOLVED', lastValue: 8.4, resolvedAt: expect.any(String) });
    expect((await devices().device('t1'))?.openAlerts).toBe(0);
    expect(p.publisher.events.map((a) => a.state)).toEqual(['OPEN', 'RESOLVED']);
  });

  it('lets a person acknowledge an open alert once, and never a resolved one', async () => {
    await createStation('k1', {}, { afterReadings: 1, deadband: 0 });
    const p = processor();
    await p.pipeline.process([ph('k1', 1, 5.1)]);
    const [alert] = await alertsOf('k1');
    const person = { kind: 'user' as const, username: 'erin', groups: ['user'] };
    const acked = await p.alerts.acknowledge(person, alert!.id, ' cleaning the probe ');
    expect(acked).toMatchObject({
      state: 'ACKNOWLEDGED',
      acknowledgedBy: 'erin',
      note: 'cleaning the probe',
    });
    await expect(p.alerts.acknowledge(person, alert!.id, null)).rejects.toThrow(
      /already acknowledged by erin/,
    );

    await p.pipeline.process([ph('k1', 2, 7)]);
    expect((await alertsOf('k1'))[0]?.state).toBe('RESOLVED');
    await expect(p.alerts.acknowledge(person, alert!.id, null)).rejects.toBeInstanceOf(ConflictError);
  });

  it('leaves the same alerts when every message is delivered three times and out of order', async () => {
    await createStation('r1', {}, { afterReadings: 2, deadband: 0.2 });
    const values = [7, 9.4, 9.6, 8.7, 7, 5.5, 5.2, 5.1, 7, 9.9, 9.95];
    const messages = values.map((v, i) => ph('r1', i + 1, v));
    const first = processor();
    for (let i = 0; i < messages.length; i += 3) await first.pipeline.process(messages.slice(i, i + 3));
    const once = summary(await alertsOf('r1'));
    expect(once.map((a) => `${a.kind}:${a.state}`)).toEqual(['HIGH:OPEN', 'LOW:RESOLVED', 'HIGH:RESOLVED']);

    // The same container sees them all again, shuffled; a new container (cold cache) does too.
    const shuffled = [...messages, ...messages].sort((a, b) => (a.receivedAt % 7000) - (b.receivedAt % 7000));
    await first.pipeline.process(shuffled);
    const second = processor();
    await second.pipeline.process(shuffled.slice(0, 11));
    await second.pipeline.process(shuffled.slice(11));
    expect(summary(await alertsOf('r1'))).toEqual(once);
  });

  it('opens one alert when ten processors take batches of one device at once', async () => {
    await createStation('c1', {}, { afterReadings: 1, deadband: 0 });
    const processors = Array.from({ length: 10 }, () => processor());
    await Promise.all(processors.map((p, i) => p.pipeline.process([ph('c1', i + 1, 10 + i / 10)])));
    const list = await alertsOf('c1');
    expect(list).toHaveLength(1);
    expect(list[0]!.state).toBe('OPEN');
    expect(processors.flatMap((p) => p.publisher.events)).toHaveLength(1);
  });

  it('resolves the alerts a config change leaves without a rule: sensor switched off, device deleted', async () => {
    await createStation('x1', {}, { afterReadings: 1, deadband: 0 });
    const p = processor();
    await p.pipeline.process([ph('x1', 1, 12)]);
    expect((await alertsOf('x1'))[0]?.state).toBe('OPEN');
    const unchanged = await devices().updateDevice({ id: 'x1', name: 'Renamed' }, 'test');
    expect(await p.alerts.configChanged('x1', unchanged)).toBe(0);
    const off = await devices().updateDevice(
      { id: 'x1', sensors: [{ id: 'ph', measurement: 'ph', min: 6, max: 9, alertsEnabled: false }] },
      'test',
    );
    expect(await p.alerts.configChanged('x1', off)).toBe(1);
    expect((await alertsOf('x1'))[0]?.state).toBe('RESOLVED');
    expect((await devices().device('x1'))?.openAlerts).toBe(0);

    await createStation('x2', {}, { afterReadings: 1, deadband: 0 });
    await p.pipeline.process([ph('x2', 1, 12)]);
    await devices().deleteDevice('x2', 'test');
    expect(await p.alerts.configChanged('x2', null)).toBe(1);
    expect((await alertsOf('x2'))[0]?.state).toBe('RESOLVED');
    expect(p.publisher.events.filter((a) => a.state === 'RESOLVED').map((a) => a.deviceId)).toEqual([
      'x1',
      'x2',
    ]);
  });

  it('writes nothing for alerts while readings stay inside the limits', async () => {
    await createStation('q1');
    const p = processor();
    const messages = Array.from({ length: 100 }, (_, i) => ph('q1', i + 1, 7 + (i % 10) / 10));
    for (let i = 0; i < messages.length; i += 25) await p.pipeline.process(messages.slice(i, i + 25));
    expect(p.alerts.writes).toBe(0);
    expect(await alertsOf('q1')).toEqual([]);
  });

  it('notifies only the users who opted in, and only for the stations they follow', async () => {
    const now = new Date().toISOString();
    const base = { name: null, organization: null, preferences: null, createdAt: now, updatedAt: now };
    await profiles().create({
      ...base,
      id: 'u-all',
      email: 'all@example.com',
      phone: null,
      notifyByEmail: true,
      notifyBySms: false,
      followedDeviceIds: [],
    });
    await profiles().create({
      ...base,
      id: 'u-other',
      email: 'other@example.com',
      phone: '+16045550123',
      notifyByEmail: false,
      notifyBySms: true,
      followedDeviceIds: ['n2'],
    });
    await profiles().create({
      ...base,
      id: 'u-none',
      email: 'none@example.com',
      phone: null,
      notifyByEmail: false,
      notifyBySms: false,
      followedDeviceIds: [],
    });
    await createStation('n1', {}, { afterReadings: 1, deadband: 0 });
    await createStation('n2', {}, { afterReadings: 1, deadband: 0 });
    const p = processor();
    await p.pipeline.process([ph('n1', 1, 11), ph('n2', 1, 11)]);
    const sent = new OutboxNotificationSender({ dir: outboxDir, profiles: async () => [] });
    const entries = (await sent.list()).filter(
      (e) => e.change === 'opened' && ['n1', 'n2'].includes(e.deviceId),
    );
    const n1 = entries.find((e) => e.deviceId === 'n1')!;
    const n2 = entries.find((e) => e.deviceId === 'n2')!;
    expect(n1.recipients).toEqual([{ userId: 'u-all', email: 'all@example.com' }]);
    expect(n2.recipients).toEqual([
      { userId: 'u-all', email: 'all@example.com' },
      { userId: 'u-other', sms: '+16045550123' },
    ]);
    expect(n1.text).toContain('Station: Station n1 (n1)');
    expect(n1.text).toContain('Limit: 9 pH');
    expect(n1.text).toContain('Value: 11 pH');
    expect(n1.subject).toBe('[OPEN] Station n1 (n1): ph above max 9 pH');
  });
});

describe('silence alerts', () => {
  it('opens once when a station stops reporting and resolves when data flows again', async () => {
    await createStation('s1', { sensorIntervalMs: 1000, silenceAfterIntervals: 2 });
    let now = Date.now();
    const p = processor(() => now);
    const t0 = now - 10_000;
    await p.pipeline.process([message('devices/s1/readings', { ts: t0, readings: { ph: 7 } }, t0)]);
    expect(await p.alerts.checkSilence()).toEqual({ checked: 1, opened: 1 });
    expect(await p.alerts.checkSilence()).toEqual({ checked: 0, opened: 0 });
    const [silence] = await alertsOf('s1');
    expect(silence).toMatchObject({ kind: 'SILENT', sensor: null, state: 'OPEN', threshold: 2 });
    expect(silence!.openedAt).toBe(new Date(t0 + 2000).toISOString());

    now += 1000;
    await p.pipeline.process([message('devices/s1/readings', { ts: now, readings: { ph: 7 } }, now)]);
    expect((await alertsOf('s1'))[0]?.state).toBe('RESOLVED');
    expect(p.publisher.events.map((a) => `${a.kind}:${a.state}`)).toEqual(['SILENT:OPEN', 'SILENT:RESOLVED']);
    // Reporting again puts the station back on the watch, with a new deadline.
    now += 5000;
    expect(await p.alerts.checkSilence()).toEqual({ checked: 1, opened: 1 });
  });

  it('never watches a station whose silence alerts are off', async () => {
    await createStation('s0', { sensorIntervalMs: 1000, silenceAfterIntervals: 0 });
    const now = Date.now();
    const p = processor(() => now + 60_000);
    await p.pipeline.process([message('devices/s0/readings', { ts: now, readings: { ph: 7 } }, now)]);
    const result = await p.alerts.checkSilence();
    expect(result.opened).toBe(0);
    expect(await alertsOf('s0')).toEqual([]);
  });
});
