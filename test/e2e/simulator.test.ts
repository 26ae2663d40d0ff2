import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/start-local';
import type { Simulator } from '../../local/simulator/simulator';
import { adminToken, gqlData, startTestLocal, startTestSimulator } from '../../testkit/local-mode';
import { waitFor } from '../../testkit/wait-for';

let local: LocalMode;
let simulator: Simulator | undefined;

beforeAll(async () => {
  local = await startTestLocal();
});
afterAll(async () => {
  await simulator?.stop();
  await local?.stop();
});

describe('the device simulator', () => {
  it('creates its devices, follows their config, acknowledges it and reports over both topic forms', async () => {
    simulator = await startTestSimulator(local.outputs, { devices: 2 });
    const token = await adminToken(local.outputs);
    const seen = await waitFor(
      async () => {
        const r = await gqlData<{
          a: { configStatus: string; sensors: unknown[] };
          b: { configStatus: string };
          ra: unknown[];
          rb: unknown[];
        }>(
          local.outputs,
          token,
          '{ a: device(id: "sim-1") { configStatus sensors { id } } b: device(id: "sim-2") { configStatus } ra: latestReadings(deviceId: "sim-1") { sensor } rb: latestReadings(deviceId: "sim-2") { sensor } }',
        );
        return r.a.configStatus === 'APPLIED' && r.ra.length === 10 && r.rb.length === 10 && r;
      },
      { timeoutMs: 30_000, everyMs: 100, describe: () => 'sim-1 APPLIED and ten readings of each station' },
    );
    // sim-1 speaks the new topics and acks; sim-2 is legacy firmware (no acks, per-sensor topics).
    expect(seen.a.sensors).toHaveLength(10);
    expect(seen.b.configStatus).toBe('PENDING');
    expect(simulator.stats().stations).toBe(2);
    expect(simulator.stats().acks).toBeGreaterThanOrEqual(1);
  });
});
