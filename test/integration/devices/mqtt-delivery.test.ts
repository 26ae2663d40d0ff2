import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../../core/generated/graphql';
import { dataOf, mutation } from '../../../testkit/appsync-event';
import { dataPlaneClientOf, useMqtt } from '../../../testkit/embedded';
import { byTopic, receivedOnSubscribe } from '../../../testkit/mqtt-subscriber';
import { startDevicesHarness, type DevicesHarness } from '../../helpers/devices-harness';

// The real IotConfigPublisher and IoTDataPlaneClient, against the embedded broker's Data Plane route.
const broker = useMqtt();
let h: DevicesHarness;

beforeAll(async () => {
  h = await startDevicesHarness({ iotData: dataPlaneClientOf(broker) });
});
afterAll(async () => {
  await h.stop();
});

const retainedJson = (topic: string): unknown => {
  const payload = broker.retained().get(topic);
  return payload ? JSON.parse(payload.toString('utf8')) : undefined;
};

/** Connects as a device, collects the retained messages it is sent on subscribe, and disconnects. */
const retainedSeenByDevice = async (filter: string, count: number) =>
  byTopic(await receivedOnSubscribe(broker.url, filter, { count }));

describe('config delivery through the IoT Data Plane route', () => {
  it('retains the versioned and legacy config on the broker', async () => {
    const device = dataOf<Device>(
      await h.api.resolve(
        mutation('createDevice', {
          input: {
            id: 'mqtt-1',
            name: 'Real broker',
            sensorIntervalMs: 300_000,
            sensors: [
              { id: 'ph', measurement: 'ph' },
              { id: 'tmp', measurement: 'tmp', enabled: false },
            ],
          },
        }),
      ),
    );
    expect(device.delivery?.status).toBe('DELIVERED');
    expect(retainedJson('devices/mqtt-1/config')).toEqual({
      version: 1,
      enabled: true,
      sensorIntervalMs: 300_000,
      sensors: { ph: { enabled: true }, tmp: { enabled: false } },
    });
    expect(retainedJson('mqtt-1/config')).toEqual({ sensor_interval: '300000' });
    expect(retainedJson('mqtt-1/config/sensor/ph')).toEqual({ state: '1' });
    expect(retainedJson('mqtt-1/config/sensor/tmp')).toEqual({ state: '0' });
  });

  it('gives a device that was offline through three updates only the latest config when it connects', async () => {
    dataOf(await h.api.resolve(mutation('createDevice', { input: { id: 'mqtt-2', name: 'Offline' } })));
    for (const ms of [10_000, 20_000, 30_000]) {
      dataOf(
        await h.api.resolve(mutation('updateDevice', { input: { id: 'mqtt-2', sensorIntervalMs: ms } })),
      );
    }
    const seen = await retainedSeenByDevice('devices/mqtt-2/config', 1);
    const messages = seen.get('devices/mqtt-2/config') ?? [];
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0] ?? '{}')).toMatchObject({ version: 4, sensorIntervalMs: 30_000 });
  });

  it('gives legacy firmware its interval and sensor states', async () => {
    dataOf(
      await h.api.resolve(
        mutation('createDevice', {
          input: {
            id: 'legacy-1',
            name: 'Old firmware',
            sensorIntervalMs: 600_000,
            sensors: [{ id: 'do', measurement: 'do' }],
          },
        }),
      ),
    );
    const seen = await retainedSeenByDevice('legacy-1/config/#', 2);
    expect(seen.get('legacy-1/config')).toEqual(['{"sensor_interval":"600000"}']);
    expect(seen.get('legacy-1/config/sensor/do')).toEqual(['{"state":"1"}']);
  });

  it('clears every retained config topic when the device is deleted', async () => {
    dataOf(
      await h.api.resolve(
        mutation('createDevice', {
          input: { id: 'mqtt-del', name: 'Gone', sensors: [{ id: 'ph', measurement: 'ph' }] },
        }),
      ),
    );
    expect(retainedJson('devices/mqtt-del/config')).toBeDefined();
    dataOf(await h.api.resolve(mutation('deleteDevice', { id: 'mqtt-del' })));
    const left = [...broker.retained().keys()].filter((t) => t.includes('mqtt-del'));
    expect(left).toEqual([]);
  });
});
