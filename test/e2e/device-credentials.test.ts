import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { LocalMode } from '../../local/start-local';
import { startTestLocal } from '../../testkit/local-mode';

let local: LocalMode;
beforeAll(async () => {
  local = await startTestLocal({ devicePassword: 'device-secret' });
});
afterAll(async () => {
  await local?.stop();
});

describe('local mode with device credentials (LOCAL_DEVICE_PASSWORD)', () => {
  it('refuses a wrong password and confines a device to its own topics', async () => {
    await expect(
      mqtt.connectAsync(local.outputs.MqttUrl, { username: 'buoy-a', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow();

    const device = await mqtt.connectAsync(local.outputs.MqttUrl, {
      username: 'buoy-a',
      password: 'device-secret',
      reconnectPeriod: 0,
    });
    await expect(device.subscribeAsync('devices/buoy-a/config')).resolves.toHaveLength(1);
    await expect(device.subscribeAsync('devices/buoy-b/config')).rejects.toThrow(/Subscribe error/);
    // A publish on another device's topic ends the connection, as IoT Core's policy does.
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish('devices/buoy-b/readings', '{"readings":{"ph":1}}', { qos: 1 }, () => undefined);
    await closed;
    await device.endAsync(true);
  });
});
