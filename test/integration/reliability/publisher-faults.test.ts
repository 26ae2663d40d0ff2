import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Device } from '../../../core/generated/graphql';
import { DynamoDeviceStore, IotConfigPublisher } from '../../../core/devices';
import { documentClientOf } from '../../../resolvers/api/deps';
import { dataOf, mutation, query } from '../../../testkit/appsync-event';
import { dataPlaneClientOf, useMqtt } from '../../../testkit/embedded';
import { receivedOnSubscribe } from '../../../testkit/mqtt-subscriber';
import { startDevicesHarness, type DevicesHarness } from '../../helpers/devices-harness';
import { FlakyPublisher, SERVER_ERROR, THROTTLED, always, injectFaults } from '../../helpers/fault-injection';
import {
  DISCARD_TELEMETRY,
  TWO_SENSORS,
  eventOf,
  failedIds,
  wireProcessor,
} from '../../helpers/reliability-harness';
import { message } from '../../../testkit/telemetry-fixtures';

// The real IotConfigPublisher and IoTDataPlaneClient against the embedded
// broker's Data Plane route, with faults answered on the wire inside the SDK.
const broker = useMqtt();
let iotData: IoTDataPlaneClient;
let h: DevicesHarness;
let store: DynamoDeviceStore;
let faults: ReturnType<typeof injectFaults>;

beforeAll(async () => {
  iotData = dataPlaneClientOf(broker, 2);
  faults = injectFaults(iotData, undefined, (request) => request.operation.startsWith('POST /topics/'));
  h = await startDevicesHarness({ iotData });
  store = new DynamoDeviceStore({ client: documentClientOf(h.dynamo.client), tableName: h.dynamo.tableName });
});
afterAll(async () => {
  await h.stop();
  iotData.destroy();
});
beforeEach(() => {
  faults.heal();
});

const retained = (topic: string): unknown => {
  const payload = broker.retained().get(topic);
  return payload && payload.length > 0 ? JSON.parse(payload.toString('utf8')) : undefined;
};
const call = async (event: ReturnType<typeof mutation>) => dataOf<Device>(await h.api.resolve(event));
const read = (id: string) => call(query('device', { id }) as ReturnType<typeof mutation>);
const undelivered = async () => (await store.listUndelivered(100)).items.map((r) => r.device.id);

/** What a device sees when it (re)connects: the retained versioned config, at QoS 1. */
async function configSeenOnConnect(deviceId: string): Promise<unknown> {
  const [first] = await receivedOnSubscribe(broker.url, `devices/${deviceId}/config`, {
    clientId: `dev-${deviceId}`,
  });
  expect(first?.retain).toBe(true);
  return JSON.parse(first?.payload ?? 'null');
}

describe('config delivery while the publisher fails', () => {
  it('keeps every change PENDING and UNDELIVERED with the error, and reconciliation delivers the newest', async () => {
    await call(mutation('createDevice', { input: { id: 'pf-1', name: 'pf-1', sensors: TWO_SENSORS } }));
    expect(retained('devices/pf-1/config')).toMatchObject({ version: 1 });

    faults.fail(always(SERVER_ERROR('ServiceUnavailableException')));
    const changes = [
      mutation('updateDevice', { input: { id: 'pf-1', sensorIntervalMs: 30_000 } }),
      mutation('deleteSensor', { deviceId: 'pf-1', sensorId: 'tmp' }),
      mutation('updateDevice', { input: { id: 'pf-1', enabled: false } }),
    ];
    for (const [i, change] of changes.entries()) {
      // The mutation itself succeeds: the change is stored, and its delivery is visibly pending.
      expect(await call(change)).toMatchObject({
        configVersion: i + 2,
        configStatus: 'PENDING',
        delivery: {
          status: 'UNDELIVERED',
          version: i + 2,
          error: expect.stringMatching(/^Publishing the config failed: /),
        },
      });
    }
    expect(await undelivered()).toContain('pf-1');
    // The broker still holds the last config it was given.
    expect(retained('devices/pf-1/config')).toMatchObject({ version: 1 });

    // A reconciliation pass during the outage changes nothing and loses nothing.
    expect(await h.deps.devices.reconcileConfigDelivery()).toMatchObject({ delivered: 0 });
    expect(await undelivered()).toContain('pf-1');

    faults.heal();
    expect(await h.deps.devices.reconcileConfigDelivery()).toMatchObject({ failed: 0 });
    expect(await undelivered()).not.toContain('pf-1');
    const desired = {
      version: 4,
      enabled: false,
      sensorIntervalMs: 30_000,
      sensors: { ph: { enabled: true } },
    };
    expect(retained('devices/pf-1/config')).toEqual(desired);
    expect(retained('pf-1/config/sensor/ph')).toEqual({ state: '0' });
    expect(broker.retained().has('pf-1/config/sensor/tmp')).toBe(false);
    expect(await read('pf-1')).toMatchObject({
      configStatus: 'PENDING',
      delivery: { status: 'DELIVERED', version: 4, error: null },
    });
    // A device that reconnects now gets the newest config, retained, at QoS 1.
    expect(await configSeenOnConnect('pf-1')).toEqual(desired);
  });

  it('stays PENDING until the device acknowledges the delivered version', async () => {
    await call(mutation('createDevice', { input: { id: 'pf-ack', name: 'pf-ack', sensors: TWO_SENSORS } }));
    faults.fail(always(THROTTLED()));
    await call(mutation('updateDevice', { input: { id: 'pf-ack', sensorIntervalMs: 60_000 } }));
    faults.heal();
    await h.deps.devices.reconcileConfigDelivery();
    expect(await read('pf-ack')).toMatchObject({ configStatus: 'PENDING', reportedConfigVersion: null });

    const processor = wireProcessor(h.dynamo, DISCARD_TELEMETRY);
    const ack = message('devices/pf-ack/config/ack', { version: 2, status: 'applied' }, Date.now());
    expect(failedIds(await processor.handle(eventOf([{ id: 'ack', message: ack }])))).toEqual([]);
    expect(await read('pf-ack')).toMatchObject({ configStatus: 'APPLIED', reportedConfigVersion: 2 });
  });

  it('loses no change when every other publish fails', async () => {
    // Every other publish (the whole set of retained messages of one config) fails.
    const flaky = new FlakyPublisher(new IotConfigPublisher({ client: iotData }), (n) => n % 2 === 1);
    const other = await startDevicesHarness({ publisher: flaky });
    const otherStore = new DynamoDeviceStore({
      client: documentClientOf(other.dynamo.client),
      tableName: other.dynamo.tableName,
    });
    const pending = async () => (await otherStore.listUndelivered(100)).items.map((r) => r.device.id);
    try {
      const resolve = async (event: ReturnType<typeof mutation>) =>
        dataOf<Device>(await other.api.resolve(event));
      await resolve(mutation('createDevice', { input: { id: 'pf-2', name: 'pf-2', sensors: TWO_SENSORS } }));
      const intervals = [31_000, 32_000, 33_000, 34_000, 35_000, 36_000];
      const answers = [];
      for (const sensorIntervalMs of intervals) {
        answers.push(await resolve(mutation('updateDevice', { input: { id: 'pf-2', sensorIntervalMs } })));
      }
      expect(answers.map((d) => d.delivery?.status)).toContain('UNDELIVERED');
      expect(flaky.calls).toBe(intervals.length + 1);
      if ((await pending()).includes('pf-2')) await other.deps.devices.reconcileConfigDelivery();
      // One pass may meet a failing publish; the next one delivers.
      if ((await pending()).includes('pf-2')) await other.deps.devices.reconcileConfigDelivery();
      expect(await pending()).not.toContain('pf-2');
      expect(retained('devices/pf-2/config')).toMatchObject({ version: 7, sensorIntervalMs: 36_000 });
      expect(retained('pf-2/config')).toEqual({ sensor_interval: '36000' });
      const history = dataOf<{ items: { version: number }[] }>(
        await other.api.resolve(query('deviceConfigHistory', { deviceId: 'pf-2', limit: 50 })),
      );
      expect(history.items.map((i) => i.version)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    } finally {
      await other.stop();
    }
  });

  it('finishes a delete whose clearing failed once the broker is back', async () => {
    await call(mutation('createDevice', { input: { id: 'pf-del', name: 'pf-del', sensors: TWO_SENSORS } }));
    faults.fail(always(SERVER_ERROR('ServiceUnavailableException')));
    expect(await call(mutation('deleteDevice', { id: 'pf-del' }))).toMatchObject({
      delivery: { status: 'UNDELIVERED' },
    });
    expect(retained('devices/pf-del/config')).toMatchObject({ version: 1 });
    expect(await h.api.resolve(query('device', { id: 'pf-del' }))).toBeNull();

    faults.heal();
    await h.deps.devices.reconcileConfigDelivery();
    expect(await undelivered()).not.toContain('pf-del');
    for (const topic of ['devices/pf-del/config', 'pf-del/config', 'pf-del/config/sensor/ph']) {
      expect({ topic, retained: broker.retained().has(topic) }).toEqual({ topic, retained: false });
    }
  });
});
