import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Device } from '../../../core/generated/graphql';
import type { Api } from '../../../resolvers/api/app';
import { dataOf, errorOf, mutation, query } from '../../../testkit/appsync-event';
import { useDuckDb, useDynamo } from '../../../testkit/embedded';
import { FakePublisher } from '../../helpers/devices-harness';
import { LEAKS, SERVER_ERROR, THROTTLED, always, faultOn, injectFaults } from '../../helpers/fault-injection';
import {
  TWO_SENSORS,
  deliverUntilSettled,
  faultableTable,
  eventOf,
  failedIds,
  rejectedIdOf,
  wireApi,
  wireProcessor,
  type Delivery,
  type TableOn,
} from '../../helpers/reliability-harness';
import { message } from '../../../testkit/telemetry-fixtures';
import { storedPoints } from '../../helpers/telemetry-rows';

// The device table failing under the real DynamoDB client (dynalite behind
// it): faults are answered on the wire, inside the SDK's own retries, so the
// adapters meet exactly what a throttled or failing DynamoDB sends.
const dynamo = useDynamo('yvr-test-reliability-devices');
const telemetry = useDuckDb();
let table: TableOn;
let api: Api;
let stopApi: () => void;
const publisher = new FakePublisher();
let faults: ReturnType<typeof injectFaults>;
const BASE = Date.now() - 10 * 60_000;

beforeAll(async () => {
  table = faultableTable(dynamo);
  faults = injectFaults(table.client);
  ({ api, stop: stopApi } = wireApi(table, telemetry, publisher));
  for (const id of ['ds-1', 'ds-ok', 'ds-bad']) {
    dataOf(await api.resolve(mutation('createDevice', { input: { id, name: id, sensors: TWO_SENSORS } })));
  }
});
afterAll(() => {
  stopApi();
  table.client.destroy();
});
beforeEach(() => {
  faults.heal();
});

const readDevice = async (id: string) => dataOf<Device>(await api.resolve(query('device', { id })));

const readings = (deviceId: string, n: number, raw = 5): Delivery => ({
  id: `${deviceId}-m${n}`,
  message: message(
    `devices/${deviceId}/readings`,
    { ts: BASE + n * 1000, seq: n, readings: { ph: raw, tmp: 0.5 } },
    BASE + n * 1000 + 50,
  ),
});

const phStored = (deviceId: string) => storedPoints(telemetry, deviceId, 'ph', BASE - 1, BASE + 3_600_000);

describe('API mutations while the device table fails', () => {
  const calls: [string, () => ReturnType<typeof mutation>][] = [
    ['device', () => query('device', { id: 'ds-1' })],
    ['devices', () => query('devices', {})],
    ['deviceConfigHistory', () => query('deviceConfigHistory', { deviceId: 'ds-1' })],
    ['rejectedMessages', () => query('rejectedMessages', {})],
    [
      'createDevice',
      () => mutation('createDevice', { input: { id: 'ds-new', name: 'new', sensors: TWO_SENSORS } }),
    ],
    ['updateDevice', () => mutation('updateDevice', { input: { id: 'ds-1', sensorIntervalMs: 30_000 } })],
    ['deleteSensor', () => mutation('deleteSensor', { deviceId: 'ds-1', sensorId: 'tmp' })],
    ['deleteDevice', () => mutation('deleteDevice', { id: 'ds-1' })],
    ['republishDeviceConfig', () => mutation('republishDeviceConfig', { id: 'ds-1' })],
    ['rollbackDeviceConfig', () => mutation('rollbackDeviceConfig', { deviceId: 'ds-1', version: 1 })],
    ['replayRejectedMessage', () => mutation('replayRejectedMessage', { id: 'abcdefghijklmnopqrstuv' })],
  ];

  for (const [name, failure] of [
    ['throttling', THROTTLED('ProvisionedThroughputExceededException')],
    ['answering 500', SERVER_ERROR('InternalServerError')],
  ] as const) {
    it(`answers every device and rejected-message call with ServiceUnavailable and a plain message while the table keeps ${name}`, async () => {
      faults.fail(always(failure));
      const before = faults.injected.length;
      for (const [field, event] of calls) {
        const error = errorOf(await api.resolve(event()));
        expect({ field, ...error }).toEqual({
          field,
          errorType: 'ServiceUnavailable',
          message: error.message,
        });
        expect(error.message).toMatch(/try again/i);
        expect(error.message).not.toMatch(LEAKS);
      }
      // The SDK retried each request before giving up: more faults than mutations.
      expect(faults.injected.length - before).toBeGreaterThan(calls.length);

      faults.heal();
      // Nothing was half-applied: the device is as it was, and a retry now succeeds.
      expect(await readDevice('ds-1')).toMatchObject({ configVersion: 1, sensorIntervalMs: 600_000 });
      expect(await api.resolve(query('device', { id: 'ds-new' }))).toBeNull();
    });
  }

  it('keeps a change whose history write failed, and reconciliation finishes it', async () => {
    // The version is claimed on the device row, then the history item cannot be written.
    faults.fail(faultOn('PutItem', THROTTLED(), 'CONFIG#'));
    const error = errorOf(
      await api.resolve(mutation('updateDevice', { input: { id: 'ds-1', name: 'renamed' } })),
    );
    expect(error.errorType).toBe('ServiceUnavailable');
    faults.heal();

    expect(await readDevice('ds-1')).toMatchObject({
      name: 'renamed',
      configVersion: 2,
      configStatus: 'PENDING',
      delivery: { status: 'UNDELIVERED', version: 2 },
    });
    const { devices, stop } = wireApi(table, telemetry, publisher);
    try {
      expect(await devices.reconcileConfigDelivery()).toMatchObject({ failed: 0 });
    } finally {
      stop();
    }
    expect(await readDevice('ds-1')).toMatchObject({ delivery: { status: 'DELIVERED', version: 2 } });
    expect(JSON.parse(publisher.retained('devices/ds-1/config') ?? '{}')).toMatchObject({ version: 2 });
    const history = dataOf<{ items: { version: number; change: string }[] }>(
      await api.resolve(query('deviceConfigHistory', { deviceId: 'ds-1' })),
    );
    expect(history.items.map((h) => [h.version, h.change])).toEqual([
      [2, 'updateDevice'],
      [1, 'createDevice'],
    ]);
  });
});

describe('the processor while the device table fails', () => {
  it('fails only the records of the device whose read failed, and stores them on redelivery', async () => {
    const processor = wireProcessor(table, telemetry);
    faults.fail(faultOn('GetItem', SERVER_ERROR(), 'DEVICE#ds-bad'));
    const batch = [readings('ds-ok', 1), readings('ds-bad', 2), readings('ds-ok', 3), readings('ds-bad', 4)];

    const first = await processor.handle(eventOf(batch));
    expect(failedIds(first)).toEqual(['ds-bad-m2', 'ds-bad-m4']);
    expect([...(await phStored('ds-ok')).keys()]).toEqual([BASE + 1000, BASE + 3000]);
    expect((await phStored('ds-bad')).size).toBe(0);

    faults.heal();
    const { rounds, left } = await deliverUntilSettled(
      processor.handle,
      batch.filter((d) => d.id.startsWith('ds-bad')),
    );
    expect(rounds).toEqual([[]]);
    expect(left).toEqual([]);
    expect(await phStored('ds-bad')).toEqual(
      new Map([
        [BASE + 2000, 7],
        [BASE + 4000, 7],
      ]),
    );
  });

  it('retries an ack whose write was throttled, and records it on redelivery', async () => {
    const processor = wireProcessor(table, telemetry);
    faults.fail(faultOn('UpdateItem', THROTTLED(), 'configStatus'));
    const ack: Delivery = {
      id: 'ds-ok-ack',
      message: message('devices/ds-ok/config/ack', { version: 1, status: 'applied' }, BASE + 5050),
    };
    const batch = [readings('ds-ok', 5), ack];
    expect(failedIds(await processor.handle(eventOf(batch)))).toEqual(['ds-ok-ack']);
    expect((await phStored('ds-ok')).has(BASE + 5000)).toBe(true);
    expect(await readDevice('ds-ok')).toMatchObject({ configStatus: 'PENDING', reportedConfigVersion: null });

    faults.heal();
    expect(failedIds(await processor.handle(eventOf([ack])))).toEqual([]);
    expect(await readDevice('ds-ok')).toMatchObject({ configStatus: 'APPLIED', reportedConfigVersion: 1 });
    expect(processor.notifier.calls).toEqual(['ds-ok']);
  });

  it('retries a message whose rejection could not be kept, and keeps it on redelivery', async () => {
    const processor = wireProcessor(table, telemetry);
    faults.fail(faultOn('PutItem', THROTTLED(), 'REJECTED#'));
    const ghost: Delivery = {
      id: 'ghost-1',
      message: message('devices/ds-ghost/readings', { readings: { ph: 1 } }, BASE + 6050),
    };
    const batch = [readings('ds-ok', 6), ghost];
    expect(failedIds(await processor.handle(eventOf(batch)))).toEqual(['ghost-1']);
    await expect(processor.rejected.get(rejectedIdOf(ghost))).rejects.toMatchObject({
      errorType: 'NotFound',
    });

    faults.heal();
    expect(failedIds(await processor.handle(eventOf([ghost])))).toEqual([]);
    expect(await processor.rejected.get(rejectedIdOf(ghost))).toMatchObject({
      deviceId: 'ds-ghost',
      reason: 'unknown device "ds-ghost"',
    });
  });

  it('stores the readings when only lastSeenAt cannot be written', async () => {
    const processor = wireProcessor(table, telemetry);
    const before = (await readDevice('ds-ok')).lastSeenAt;
    faults.fail(faultOn('UpdateItem', THROTTLED(), 'lastSeenAt'));
    expect(failedIds(await processor.handle(eventOf([readings('ds-ok', 7)])))).toEqual([]);
    expect((await phStored('ds-ok')).has(BASE + 7000)).toBe(true);
    faults.heal();
    expect((await readDevice('ds-ok')).lastSeenAt).toBe(before);
    // The next batch of that device writes it again.
    expect(failedIds(await processor.handle(eventOf([readings('ds-ok', 8)])))).toEqual([]);
    expect((await readDevice('ds-ok')).lastSeenAt).toBe(new Date(BASE + 8050).toISOString());
  });
});
