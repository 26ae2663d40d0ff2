import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { startMqtt, type EmbeddedMqtt } from '../../local/embedded/mqtt';

const dirs: string[] = [];
const brokers: EmbeddedMqtt[] = [];
const clients: MqttClient[] = [];
afterAll(async () => {
  for (const c of clients) await c.endAsync(true);
  for (const b of brokers) await b.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function broker(options: Parameters<typeof startMqtt>[0] = {}) {
  const b = await startMqtt({ port: 0, wsPort: 0, ...options });
  brokers.push(b);
  return b;
}

async function connect(url: string, opts: mqtt.IClientOptions = {}) {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...opts });
  clients.push(c);
  return c;
}

function nextMessage(c: MqttClient, topic: string): Promise<{ payload: string; retain: boolean }> {
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer, packet: { retain: boolean }) => {
      if (t !== topic) return;
      c.off('message', on);
      resolve({ payload: payload.toString(), retain: packet.retain });
    };
    c.on('message', on);
  });
}

describe('embedded MQTT broker', () => {
  it('relays messages over TCP and WebSocket', async () => {
    const b = await broker();
    const device = await connect(b.url);
    const dashboard = await connect(b.wsUrl);
    await dashboard.subscribeAsync('devices/+/readings', { qos: 1 });
    const got = nextMessage(dashboard, 'devices/d1/readings');
    await device.publishAsync('devices/d1/readings', '{"readings":{"ph":7}}', { qos: 1 });
    expect((await got).payload).toBe('{"readings":{"ph":7}}');
  });

  it('takes IoT Data Plane Publish calls from the real SDK client, retained', async () => {
    const b = await broker();
    const iot = new IoTDataPlaneClient({
      endpoint: b.dataPlaneEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await iot.send(
      new PublishCommand({
        topic: 'devices/d 1/config',
        qos: 1,
        retain: true,
        payload: Buffer.from('{"version":1}'),
      }),
    );
    iot.destroy();
    const device = await connect(b.url);
    const got = nextMessage(device, 'devices/d 1/config');
    await device.subscribeAsync('devices/d 1/config', { qos: 1 });
    expect(await got).toEqual({ payload: '{"version":1}', retain: true });
  });

  it('keeps retained messages across a restart on the same folder and forgets cleared ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-'));
    dirs.push(dir);
    const first = await startMqtt({ persistence: dir });
    await first.publish({ topic: 'devices/a/config', payload: '{"version":2}', qos: 1, retain: true });
    await first.publish({ topic: 'devices/b/config', payload: '{"version":1}', qos: 1, retain: true });
    await first.publish({ topic: 'devices/b/config', payload: '', qos: 1, retain: true });
    await first.stop();

    const second = await broker({ persistence: dir });
    expect([...second.retained().keys()]).toEqual(['devices/a/config']);
    const device = await connect(second.url);
    const got = nextMessage(device, 'devices/a/config');
    await device.subscribeAsync('devices/+/config', { qos: 1 });
    expect((await got).payload).toBe('{"version":2}');
  });

  it('confines a device to its own topics when device credentials are on', async () => {
    const b = await broker({ deviceCredentials: { verify: (id, password) => password === `secret-${id}` } });
    await expect(connect(b.url, { username: 'd1', password: 'wrong' })).rejects.toThrow();
    const d1 = await connect(b.url, { username: 'd1', password: 'secret-d1' });
    await expect(d1.subscribeAsync('devices/d1/config')).resolves.toEqual([
      expect.objectContaining({ qos: 0 }),
    ]);
    await expect(d1.subscribeAsync('devices/d2/config')).rejects.toThrow(/Subscribe error/);
    await expect(d1.subscribeAsync('devices/+/config')).rejects.toThrow(/Subscribe error/);

    const seen: string[] = [];
    await b.subscribe('devices/+/readings', (topic) => seen.push(topic));
    await d1.publishAsync('devices/d1/readings', '{}', { qos: 1 });
    const intruder = await connect(b.url, { username: 'd3', password: 'secret-d3' });
    const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
    intruder.publish('devices/d2/readings', '{}', { qos: 1 }, () => undefined);
    await closed;
    expect(seen).toEqual(['devices/d1/readings']);
  });

  it('names the variable to change when a port is taken', async () => {
    const b = await broker();
    await expect(startMqtt({ port: b.port })).rejects.toThrow(/MQTT_PORT/);
  });
});
