import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/start-local';
import { startSimulator, type Simulator } from '../../local/simulator/simulator';
import { ADMIN, gql, signIn, startTestLocal } from '../../testkit/local-mode';

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
    simulator = await startSimulator({
      outputs: local.outputs,
      devices: 2,
      intervalMs: 1_000,
      email: ADMIN.email,
      password: ADMIN.password,
    });
    const { idToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    for (;;) {
      const r = await gql<{
        a: { configStatus: string; sensors: unknown[] };
        b: { configStatus: string };
        ra: unknown[];
        rb: unknown[];
      }>(
        local.outputs,
        idToken,
        '{ a: device(id: "sim-1") { configStatus sensors { id } } b: device(id: "sim-2") { configStatus } ra: latestReadings(deviceId: "sim-1") { sensor } rb: latestReadings(deviceId: "sim-2") { sensor } }',
      );
      expect(r.errors).toBeUndefined();
      // sim-1 speaks the new topics and acks; sim-2 is legacy firmware (no acks, per-sensor topics).
      if (r.data?.a.configStatus === 'APPLIED' && r.data.ra.length === 10 && r.data.rb.length === 10) {
        expect(r.data.a.sensors).toHaveLength(10);
        expect(r.data.b.configStatus).toBe('PENDING');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(simulator.stats().stations).toBe(2);
    expect(simulator.stats().acks).toBeGreaterThanOrEqual(1);
  });
});
