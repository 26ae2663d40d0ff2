import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DeviceService,
  DynamoDeviceStore,
  type ConfigMessage,
  type ConfigPublisher,
  type DeviceStore,
} from '../../../core/devices';
import type { Device, DeviceConfigVersionConnection } from '../../../core/generated/graphql';
import { isErrorEnvelope } from '../../../core/shared/errors';
import { documentClientOf } from '../../../resolvers/api/deps';
import { dataOf, errorOf, mutation, query } from '../../../testkit/appsync-event';
import { PH_SENSOR, sensorInput } from '../../../testkit/device-inputs';
import { allItems } from '../../../testkit/pages';
import { waitFor } from '../../../testkit/wait-for';
import { FakePublisher, startDevicesHarness, type DevicesHarness } from '../../helpers/devices-harness';

let h: DevicesHarness;
let store: DynamoDeviceStore;

beforeAll(async () => {
  h = await startDevicesHarness();
  store = new DynamoDeviceStore({ client: documentClientOf(h.dynamo.client), tableName: h.dynamo.tableName });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.publisher.failing = undefined;
});

const sensors = [PH_SENSOR, sensorInput('tmp', undefined, { enabled: false })];

async function create(id: string): Promise<Device> {
  return dataOf<Device>(await h.api.resolve(mutation('createDevice', { input: { id, name: id, sensors } })));
}
async function update(input: Record<string, unknown>): Promise<unknown> {
  return h.api.resolve(mutation('updateDevice', { input }));
}
async function read(id: string): Promise<Device> {
  return dataOf<Device>(await h.api.resolve(query('device', { id })));
}
/** A device's ack as the processor hands it to the device service, received now unless `receivedAt` says. */
const ack = (
  deviceId: string,
  version: number,
  status: 'applied' | 'rejected',
  reason?: string,
  receivedAt = new Date().toISOString(),
) => h.deps.devices.recordAck({ deviceId, version, status, ...(reason ? { reason } : {}), receivedAt });
const undeliveredIds = async () => (await store.listUndelivered(100)).items.map((r) => r.device.id);

describe('publishing', () => {
  it('publishes the versioned config and the legacy topics, retained', async () => {
    await create('pub-1');
    const batch = h.publisher.published.at(-1) ?? [];
    expect(JSON.parse(h.publisher.retained('devices/pub-1/config') ?? '{}')).toEqual({
      version: 1,
      enabled: true,
      sensorIntervalMs: 600_000,
      sensors: { ph: { enabled: true }, tmp: { enabled: false } },
    });
    expect(batch).toContainEqual({ topic: 'pub-1/config', payload: '{"sensor_interval":"600000"}' });
    expect(batch).toContainEqual({ topic: 'pub-1/config/sensor/ph', payload: '{"state":"1"}' });
    expect(batch).toContainEqual({ topic: 'pub-1/config/sensor/tmp', payload: '{"state":"0"}' });
  });

  it('switches every legacy sensor off when the device is disabled', async () => {
    await create('pub-off');
    dataOf(await update({ id: 'pub-off', enabled: false }));
    expect(h.publisher.retained('pub-off/config/sensor/ph')).toBe('{"state":"0"}');
    expect(JSON.parse(h.publisher.retained('devices/pub-off/config') ?? '{}')).toMatchObject({
      version: 2,
      enabled: false,
    });
  });
});

describe('a failed publish', () => {
  it('still returns the device, PENDING and UNDELIVERED with the error, and reconciliation delivers it', async () => {
    await create('fail-1');
    h.publisher.failing = new Error('broker unreachable');
    const device = dataOf<Device>(await update({ id: 'fail-1', sensorIntervalMs: 30_000 }));
    expect(device).toMatchObject({
      configVersion: 2,
      configStatus: 'PENDING',
      delivery: { status: 'UNDELIVERED', version: 2, error: expect.stringContaining('broker unreachable') },
    });
    expect(await undeliveredIds()).toContain('fail-1');
    expect(JSON.parse(h.publisher.retained('devices/fail-1/config') ?? '{}').version).toBe(1);

    h.publisher.failing = undefined;
    h.counter.reset();
    const result = await h.deps.devices.reconcileConfigDelivery();
    expect(result.delivered).toBeGreaterThanOrEqual(1);
    expect(h.counter.counts.get('Scan')).toBeUndefined();
    expect(h.counter.counts.get('Query')).toBeGreaterThanOrEqual(1);
    expect(await undeliveredIds()).not.toContain('fail-1');
    expect(JSON.parse(h.publisher.retained('devices/fail-1/config') ?? '{}')).toMatchObject({
      version: 2,
      sensorIntervalMs: 30_000,
    });
    expect((await read('fail-1')).delivery).toMatchObject({ status: 'DELIVERED', version: 2, error: null });
  });

  it('is re-sent by republishDeviceConfig', async () => {
    h.publisher.failing = new Error('timeout');
    await create('fail-2');
    expect((await read('fail-2')).delivery?.status).toBe('UNDELIVERED');
    h.publisher.failing = undefined;
    const device = dataOf<Device>(await h.api.resolve(mutation('republishDeviceConfig', { id: 'fail-2' })));
    expect(device.delivery).toMatchObject({ status: 'DELIVERED', version: 1 });
    expect(await undeliveredIds()).not.toContain('fail-2');
  });

  it('answers republishDeviceConfig for a missing device with NotFound', async () => {
    expect(errorOf(await h.api.resolve(mutation('republishDeviceConfig', { id: 'nope' }))).errorType).toBe(
      'NotFound',
    );
  });

  it('leaves an interrupted delete for reconciliation, which clears the retained topics', async () => {
    await create('fail-del');
    h.publisher.failing = new Error('down');
    const deleted = dataOf<Device>(await h.api.resolve(mutation('deleteDevice', { id: 'fail-del' })));
    expect(deleted.deletedAt).not.toBeNull();
    expect(await h.api.resolve(query('device', { id: 'fail-del' }))).toBeNull();
    expect(h.publisher.retained('devices/fail-del/config')).toBeDefined();
    expect(await undeliveredIds()).toContain('fail-del');

    h.publisher.failing = undefined;
    await h.deps.devices.reconcileConfigDelivery();
    expect(h.publisher.retained('devices/fail-del/config')).toBeUndefined();
    expect(h.publisher.retained('fail-del/config/sensor/ph')).toBeUndefined();
    expect(await store.getRecord('fail-del')).toBeUndefined();
    expect(await undeliveredIds()).not.toContain('fail-del');
  });
});

describe('a crash between the writes', () => {
  it('loses no history: reconciliation rewrites the missing version from the device row', async () => {
    await create('crash-1');
    // The process "dies" right after claiming the version: the history write never happens.
    const crashing: DeviceStore = Object.assign(Object.create(store) as DeviceStore, {
      putConfigVersion: async () => {
        throw new Error('process killed');
      },
    });
    const dying = new DeviceService({ store: crashing, publisher: h.publisher });
    await expect(dying.updateDevice({ id: 'crash-1', sensorIntervalMs: 42_000 }, 'ada')).rejects.toThrow(
      'process killed',
    );
    expect(await store.getConfigVersion('crash-1', 2)).toBeUndefined();
    expect(await read('crash-1')).toMatchObject({ configVersion: 2, delivery: { status: 'UNDELIVERED' } });

    await h.deps.devices.reconcileConfigDelivery();
    expect(await store.getConfigVersion('crash-1', 2)).toMatchObject({
      change: 'updateDevice',
      changedBy: 'ada',
      diff: [{ path: 'sensorIntervalMs', from: '600000', to: '42000' }],
    });
    expect(JSON.parse(h.publisher.retained('devices/crash-1/config') ?? '{}')).toMatchObject({
      version: 2,
      sensorIntervalMs: 42_000,
    });
    expect((await read('crash-1')).delivery?.status).toBe('DELIVERED');
  });
});

describe('superseded publishes', () => {
  it('re-sends the newest config when an older publish lands after a newer one', async () => {
    await create('late-1');
    // A publisher that lets the first publish of version 2 wait until version 3 has been published.
    let v3Published = false;
    const published: ConfigMessage[][] = [];
    const slow: ConfigPublisher = {
      async publish(messages) {
        const version = JSON.parse(messages.at(-1)?.payload ?? '{}').version;
        if (version === 2 && published.length === 0)
          await heldUntil(() => v3Published, 'version 3 published');
        published.push(messages);
        if (version === 3) v3Published = true;
      },
    };
    const lateHarness = await startDevicesHarness({ publisher: slow });
    try {
      dataOf(
        await lateHarness.api.resolve(mutation('createDevice', { input: { id: 'late', name: 'late' } })),
      );
      published.length = 0;
      const first = lateHarness.api.resolve(mutation('updateDevice', { input: { id: 'late', name: 'two' } }));
      // Wait until the first update has claimed version 2 before issuing version 3.
      await versionClaimed(lateHarness, 'late', 2);
      const second = lateHarness.api.resolve(
        mutation('updateDevice', { input: { id: 'late', name: 'three' } }),
      );
      await Promise.all([first, second]);
      const versions = published.map((batch) => JSON.parse(batch.at(-1)?.payload ?? '{}').version);
      expect(versions.slice(0, 2)).toEqual([3, 2]);
      expect(versions.at(-1)).toBe(3);
    } finally {
      await lateHarness.stop();
    }
  });
  it('clears the topics again when an older publish lands after the delete cleared them', async () => {
    const recorder = new FakePublisher();
    let cleared = false;
    let held = false;
    const slow: ConfigPublisher = {
      async publish(messages) {
        const versioned = messages.find((m) => m.topic === 'devices/gone/config');
        const version = versioned?.payload ? JSON.parse(versioned.payload).version : undefined;
        if (version === 2 && !held) {
          held = true;
          await heldUntil(() => cleared, 'the delete to clear the topics');
        }
        await recorder.publish(messages);
        if (messages.every((m) => m.payload === '')) cleared = true;
      },
    };
    const lateHarness = await startDevicesHarness({ publisher: slow });
    try {
      const sensor = [{ id: 'ph', measurement: 'ph' }];
      dataOf(
        await lateHarness.api.resolve(
          mutation('createDevice', { input: { id: 'gone', name: 'g', sensors: sensor } }),
        ),
      );
      const first = lateHarness.api.resolve(mutation('updateDevice', { input: { id: 'gone', name: 'two' } }));
      await versionClaimed(lateHarness, 'gone', 2);
      dataOf(await lateHarness.api.resolve(mutation('deleteDevice', { id: 'gone' })));
      dataOf(await first);
      expect(
        recorder.published.filter((batch) => batch.every((m) => m.payload === '')).length,
      ).toBeGreaterThanOrEqual(2);
      expect(recorder.retained('devices/gone/config')).toBeUndefined();
      expect(recorder.retained('gone/config')).toBeUndefined();
      expect(recorder.retained('gone/config/sensor/ph')).toBeUndefined();
    } finally {
      await lateHarness.stop();
    }
  });
});

/** Holds a publish (bounded, through waitFor) until `released` says the other one went first. */
const heldUntil = (released: () => boolean, what: string) =>
  waitFor(released, { everyMs: 5, describe: () => what });

/** Waits until the device's row has claimed `version` (the update is past its first write). */
async function versionClaimed(harness: DevicesHarness, id: string, version: number): Promise<void> {
  await waitFor(
    async () => dataOf<Device>(await harness.api.resolve(query('device', { id }))).configVersion >= version,
    { everyMs: 5, describe: () => `device ${id} to claim version ${version}` },
  );
}

describe('recordAck', () => {
  it('marks the current version APPLIED', async () => {
    await create('ack-1');
    const device = await ack('ack-1', 1, 'applied');
    expect(device).toMatchObject({
      configStatus: 'APPLIED',
      reportedConfigVersion: 1,
      configRejectedReason: null,
    });
  });

  it('marks the current version REJECTED with the reason, and a new version makes it PENDING again', async () => {
    await create('ack-2');
    const rejected = await ack('ack-2', 1, 'rejected', 'sensor tmp not fitted');
    expect(rejected).toMatchObject({
      configStatus: 'REJECTED',
      configRejectedReason: 'sensor tmp not fitted',
    });
    const next = dataOf<Device>(await update({ id: 'ack-2', sensorIntervalMs: 120_000 }));
    expect(next).toMatchObject({
      configStatus: 'PENDING',
      configRejectedReason: null,
      reportedConfigVersion: 1,
    });
  });

  it('never moves the status back for an older version, but raises reportedConfigVersion', async () => {
    await create('ack-3');
    dataOf(await update({ id: 'ack-3', name: 'v2' }));
    dataOf(await update({ id: 'ack-3', name: 'v3' }));
    const at = new Date().toISOString();
    await ack('ack-3', 3, 'applied', undefined, at);
    const afterOld = await ack('ack-3', 2, 'rejected', 'old', at);
    expect(afterOld).toMatchObject({
      configStatus: 'APPLIED',
      reportedConfigVersion: 3,
      configRejectedReason: null,
    });

    dataOf(await update({ id: 'ack-3', name: 'v4' }));
    const raised = await ack('ack-3', 2, 'applied', undefined, at);
    expect(raised).toMatchObject({ configStatus: 'PENDING', reportedConfigVersion: 3 });
  });

  it('records an older version as reported when nothing newer was reported', async () => {
    await create('ack-4');
    dataOf(await update({ id: 'ack-4', name: 'v2' }));
    const device = await ack('ack-4', 1, 'applied');
    expect(device).toMatchObject({ configStatus: 'PENDING', reportedConfigVersion: 1, configVersion: 2 });
  });

  it('never applies a late ack from before a delete to the device created again under that id', async () => {
    await create('ack-re');
    dataOf(await update({ id: 'ack-re', name: 'v2' }));
    dataOf(await h.api.resolve(mutation('deleteDevice', { id: 'ack-re' })));
    await create('ack-re');
    const device = await ack('ack-re', 2, 'applied');
    expect(device).toMatchObject({ configVersion: 4, configStatus: 'PENDING' });
  });

  it('refuses an unknown device with NotFound and a version never issued with ValidationError', async () => {
    await create('ack-5');
    await expect(ack('ack-nobody', 1, 'applied')).rejects.toMatchObject({
      errorType: 'NotFound',
    });
    await expect(ack('ack-5', 2, 'applied')).rejects.toMatchObject({
      errorType: 'ValidationError',
      issues: [{ field: 'version' }],
    });
    await expect(ack('ack-5', 0, 'applied')).rejects.toMatchObject({
      errorType: 'ValidationError',
    });
  });
});

describe('DeviceStore for the processor', () => {
  it('returns a device by id and undefined for an unknown one', async () => {
    await create('store-1');
    expect((await store.get('store-1'))?.sensors.map((s) => s.id)).toEqual(['ph', 'tmp']);
    expect(await store.get('store-unknown')).toBeUndefined();
  });

  it('moves lastSeenAt forward only, and ignores a missing device', async () => {
    await create('seen-1');
    await store.touchLastSeen('seen-1', '2026-11-27T10:00:00.000Z');
    await store.touchLastSeen('seen-1', '2026-11-27T09:00:00.000Z');
    expect((await store.get('seen-1'))?.lastSeenAt).toBe('2026-11-27T10:00:00.000Z');
    await store.touchLastSeen('seen-1', '2026-11-27T11:00:00Z');
    expect((await store.get('seen-1'))?.lastSeenAt).toBe('2026-11-27T11:00:00.000Z');
    await expect(store.touchLastSeen('seen-missing', '2026-11-27T11:00:00Z')).resolves.toBeUndefined();
    expect(await store.get('seen-missing')).toBeUndefined();
  });

  it('ignores touchLastSeen for a deleted device', async () => {
    await create('seen-del');
    dataOf(await h.api.resolve(mutation('deleteDevice', { id: 'seen-del' })));
    await store.touchLastSeen('seen-del', '2026-11-27T11:00:00Z');
    expect(await store.get('seen-del')).toBeUndefined();
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { Item } = await h.dynamo.client.send(
      new GetItemCommand({
        TableName: h.dynamo.tableName,
        Key: { pk: { S: 'DEVICE#seen-del' }, sk: { S: 'META' } },
      }),
    );
    expect(Item?.lastSeenAt).toBeUndefined();
    expect(Item?.retiredVersion).toEqual({ N: '2' });
  });

  it('keeps lastSeenAt when an admin updates the device concurrently', async () => {
    await create('seen-2');
    await store.touchLastSeen('seen-2', '2026-11-27T10:00:00.000Z');
    const device = dataOf<Device>(await update({ id: 'seen-2', name: 'renamed' }));
    expect(device.lastSeenAt).toBe('2026-11-27T10:00:00.000Z');
  });
});

describe('history and rollback', () => {
  it('keeps every version with who, what and the difference, newest first, across pages', async () => {
    await create('hist-1');
    dataOf(await update({ id: 'hist-1', sensorIntervalMs: 5_000 }));
    dataOf(await h.api.resolve(mutation('deleteSensor', { deviceId: 'hist-1', sensorId: 'tmp' })));
    dataOf(await update({ id: 'hist-1', sensors: [{ ...sensors[0], enabled: false }] }));

    const items = await allItems(async (nextToken) =>
      dataOf<DeviceConfigVersionConnection>(
        await h.api.resolve(query('deviceConfigHistory', { deviceId: 'hist-1', limit: 1, nextToken })),
      ),
    );
    expect(items.map((v) => [v.version, v.change])).toEqual([
      [4, 'updateDevice'],
      [3, 'deleteSensor'],
      [2, 'updateDevice'],
      [1, 'createDevice'],
    ]);
    expect(items[0]?.diff).toEqual([{ path: 'sensors.ph.enabled', from: 'true', to: 'false' }]);
    expect(items[1]?.diff).toEqual([
      { path: 'sensors.tmp', from: expect.stringContaining('"tmp"'), to: null },
    ]);
    expect(items[2]?.diff).toEqual([{ path: 'sensorIntervalMs', from: '600000', to: '5000' }]);
    expect(items[3]?.changedBy).toBe('ada');
    expect(JSON.parse(items[2]?.config ?? '{}')).toEqual({
      version: 2,
      enabled: true,
      sensorIntervalMs: 5_000,
      sensors: { ph: { enabled: true }, tmp: { enabled: false } },
    });
  });

  it('re-issues an old version as a new version on rollback', async () => {
    await create('roll-1');
    dataOf(
      await update({ id: 'roll-1', sensorIntervalMs: 5_000, sensors: [{ id: 'do', measurement: 'do' }] }),
    );
    const rolled = dataOf<Device>(
      await h.api.resolve(mutation('rollbackDeviceConfig', { deviceId: 'roll-1', version: 1 })),
    );
    expect(rolled).toMatchObject({ configVersion: 3, sensorIntervalMs: 600_000, configStatus: 'PENDING' });
    expect(rolled.sensors.map((s) => s.id)).toEqual(['ph', 'tmp']);
    expect(rolled.sensors[0]?.calibration?.points).toHaveLength(2);
    expect(JSON.parse(h.publisher.retained('devices/roll-1/config') ?? '{}')).toMatchObject({ version: 3 });
    expect(h.publisher.retained('roll-1/config/sensor/do')).toBeUndefined();
    const history = dataOf<DeviceConfigVersionConnection>(
      await h.api.resolve(query('deviceConfigHistory', { deviceId: 'roll-1', limit: 1 })),
    );
    expect(history.items[0]).toMatchObject({ version: 3, change: 'rollbackDeviceConfig:1' });
  });

  it('answers a rollback to a version that does not exist with NotFound', async () => {
    await create('roll-2');
    const error = errorOf(
      await h.api.resolve(mutation('rollbackDeviceConfig', { deviceId: 'roll-2', version: 9 })),
    );
    expect(error.errorType).toBe('NotFound');
  });
});

describe('concurrency', () => {
  // 50 writers against one row take most of a minute on a loaded machine: bounded well past that.
  it(
    'loses none of 50 concurrent read-modify-write updates that retry on Conflict',
    { timeout: 180_000 },
    async () => {
      await create('busy-1');
      // Each writer reads, writes with expectedVersion, and tries again (bounded) while it meets a Conflict.
      const writers = Array.from({ length: 50 }, (_, i) =>
        waitFor(
          async () => {
            const current = await read('busy-1');
            const marks = (current.description ?? '').split(',').filter(Boolean);
            const answer = await update({
              id: 'busy-1',
              expectedVersion: current.configVersion,
              description: [...marks, `w${i}`].join(','),
            });
            return isErrorEnvelope(answer) && answer.__error.errorType === 'Conflict' ? undefined : answer;
          },
          { everyMs: 1, timeoutMs: 150_000, describe: () => `writer w${i} to land its update` },
        ),
      );
      // Every writer landed: none met an error other than Conflict.
      expect((await Promise.all(writers)).filter(isErrorEnvelope)).toEqual([]);
      const device = await read('busy-1');
      expect(device.configVersion).toBe(51);
      expect(new Set((device.description ?? '').split(','))).toEqual(
        new Set(Array.from({ length: 50 }, (_, i) => `w${i}`)),
      );
      expect(JSON.parse(h.publisher.retained('devices/busy-1/config') ?? '{}').version).toBe(51);
      expect(await undeliveredIds()).not.toContain('busy-1');
    },
  );

  it('applies concurrent updates without expectedVersion through internal retries', async () => {
    await create('busy-2');
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) => update({ id: 'busy-2', name: `name-${i}` })),
    );
    expect(answers.filter(isErrorEnvelope)).toEqual([]);
    expect((await read('busy-2')).configVersion).toBe(5);
  });
});
