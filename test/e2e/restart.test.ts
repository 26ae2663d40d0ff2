import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { LocalMode } from '../../local/start-local';
import { ADMIN, gql, signIn, startTestLocal, tempDir } from '../../testkit/local-mode';

const data = tempDir();
let local: LocalMode | undefined;
afterAll(async () => {
  await local?.stop();
  data.remove();
});

describe('local mode: restart', () => {
  it('keeps accounts, devices and retained config across a stop and start on the same folder', async () => {
    local = await startTestLocal({ dataDir: data.dir });
    const first = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    const created = await gql(
      local.outputs,
      first.idToken,
      'mutation { createDevice(input: { id: "kept-1", name: "Kept" }) { id configVersion } }',
    );
    expect(created.errors).toBeUndefined();
    const poolId = local.outputs.UserPoolId;
    await local.stop();

    local = await startTestLocal({ dataDir: data.dir });
    expect(local.outputs.UserPoolId).toBe(poolId);
    // The admin signs in again (the account was kept, not re-seeded) and the device is there.
    const second = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    const found = await gql<{ device: { id: string; name: string; configVersion: number } }>(
      local.outputs,
      second.idToken,
      '{ device(id: "kept-1") { id name configVersion } }',
    );
    expect(found.data?.device).toEqual({ id: 'kept-1', name: 'Kept', configVersion: 1 });

    // A device connecting after the restart still gets its retained config.
    const station = await mqtt.connectAsync(local.outputs.MqttUrl, { reconnectPeriod: 0 });
    const config = new Promise<Record<string, unknown>>((resolve) =>
      station.on(
        'message',
        (topic, payload) =>
          topic === 'devices/kept-1/config' &&
          resolve(JSON.parse(payload.toString()) as Record<string, unknown>),
      ),
    );
    await station.subscribeAsync('devices/kept-1/config', { qos: 1 });
    expect(await config).toMatchObject({ version: 1 });
    await station.endAsync(true);
  });
});
