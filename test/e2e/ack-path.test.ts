import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/start-local';
import { ADMIN, gql, signIn, startTestLocal } from '../../testkit/local-mode';

// Acks have their own path with no batching window (their own queue and event source in AWS,
// their own batcher locally): a readings window, however long, never holds an ack back.

let local: LocalMode;
let token: string;

beforeAll(async () => {
  // A readings window far longer than the test: anything that waits for it never arrives.
  local = await startTestLocal({ batch: { windowMs: 300_000 } });
  ({ idToken: token } = await signIn(local.outputs, ADMIN.email, ADMIN.password));
});

afterAll(async () => {
  await local?.stop();
});

describe('config acknowledgements', () => {
  it('reach the device record at once while readings still wait for their batching window', async () => {
    const created = await gql<{ createDevice: { configVersion: number } }>(
      local.outputs,
      token,
      'mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { configVersion } }',
      {
        input: {
          id: 'ack-1',
          name: 'Ack path',
          sensors: [
            {
              id: 'ph',
              measurement: 'ph',
              calibration: {
                points: [
                  { raw: 0, actual: 0 },
                  { raw: 10, actual: 14 },
                ],
              },
            },
          ],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const version = created.data!.createDevice.configVersion;
    const station = await mqtt.connectAsync(local.outputs.MqttUrl, { clientId: 'ack-1', reconnectPeriod: 0 });
    try {
      await station.publishAsync('devices/ack-1/readings', JSON.stringify({ readings: { ph: 5 } }), {
        qos: 1,
      });
      await station.publishAsync('devices/ack-1/config/ack', JSON.stringify({ version, status: 'applied' }), {
        qos: 1,
      });
      for (;;) {
        const read = await gql<{ device: { configStatus: string; reportedConfigVersion: number | null } }>(
          local.outputs,
          token,
          'query D { device(id: "ack-1") { configStatus reportedConfigVersion } }',
        );
        if (read.data?.device.configStatus === 'APPLIED') {
          expect(read.data.device.reportedConfigVersion).toBe(version);
          break;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      // The reading published first is still waiting in the readings batcher.
      const latest = await gql<{ latestReadings: unknown[] }>(
        local.outputs,
        token,
        'query L { latestReadings(deviceId: "ack-1") { sensor } }',
      );
      expect(latest.data?.latestReadings).toEqual([]);
      expect(local.processor.stats().waiting).toBeGreaterThanOrEqual(1);
    } finally {
      await station.endAsync(true);
    }
  });
});
