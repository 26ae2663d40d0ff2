import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/start-local';
import {
  adminToken,
  connectDevice,
  createDevice,
  gqlData,
  latestReadings,
  linearSensor,
  publishReadings,
  startTestLocal,
} from '../../testkit/local-mode';
import { waitFor } from '../../testkit/wait-for';

// Acks have their own path with no batching window (their own queue and event source in AWS,
// their own batcher locally): a readings window, however long, never holds an ack back.

let local: LocalMode;
let token: string;

beforeAll(async () => {
  // A readings window far longer than the test: anything that waits for it never arrives.
  local = await startTestLocal({ batch: { windowMs: 300_000 } });
  token = await adminToken(local.outputs);
});

afterAll(async () => {
  await local?.stop();
});

describe('config acknowledgements', () => {
  it('reach the device record at once while readings still wait for their batching window', async () => {
    const { configVersion: version } = await createDevice<{ configVersion: number }>(
      local.outputs,
      token,
      { id: 'ack-1', name: 'Ack path', sensors: [linearSensor('ph', 'ph', 10, 14)] },
      'configVersion',
    );
    const station = await connectDevice(local.outputs, { clientId: 'ack-1' });
    try {
      await publishReadings(station, 'ack-1', [{ readings: { ph: 5 } }]);
      await station.publishAsync('devices/ack-1/config/ack', JSON.stringify({ version, status: 'applied' }), {
        qos: 1,
      });
      const applied = await waitFor(
        async () => {
          const { device } = await gqlData<{
            device: { configStatus: string; reportedConfigVersion: number | null };
          }>(local.outputs, token, 'query D { device(id: "ack-1") { configStatus reportedConfigVersion } }');
          return device.configStatus === 'APPLIED' && device;
        },
        { describe: () => 'ack-1 to show configStatus APPLIED' },
      );
      expect(applied.reportedConfigVersion).toBe(version);
      // The reading published first is still waiting in the readings batcher.
      expect(await latestReadings(local.outputs, token, 'ack-1', 'sensor')).toEqual([]);
      expect(local.processor.stats().waiting).toBeGreaterThanOrEqual(1);
    } finally {
      await station.endAsync(true);
    }
  });
});
