import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import type { LocalMode } from '../../../local/start-local';
import { MAX_MQTT_PACKET_BYTES } from '../../../local/embedded/mqtt';
import { ADMIN, gql, signIn, startTestLocal } from '../../../testkit/local-mode';

// Issue 12, item 3: any MQTT client could overwrite or clear any device's retained config (the API
// kept saying DELIVERED); in device-password mode a device could overwrite its own config, and the
// username `+` received every device's config; a 100 MB publish was buffered whole.

const CREATE = 'mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { id configStatus } }';
const STATUS = 'query D($id: ID!) { device(id: $id) { configStatus configVersion } }';

async function createDevice(local: LocalMode, token: string, id: string) {
  const r = await gql(local.outputs, token, CREATE, {
    input: { id, name: id, sensorIntervalMs: 60_000, sensors: [] },
  });
  expect(r.errors).toBeUndefined();
}

const closed = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

describe('anonymous MQTT (no LOCAL_DEVICE_PASSWORD)', () => {
  let local: LocalMode;
  let token: string;
  beforeAll(async () => {
    local = await startTestLocal();
    token = (await signIn(local.outputs, ADMIN.email, ADMIN.password)).idToken;
    await createDevice(local, token, 'policy-1');
  });
  afterAll(async () => {
    await local?.stop();
  });

  it.each([
    ['overwrite', 'devices/policy-1/config', '{"version":1,"enabled":false}'],
    ['clear', 'devices/policy-1/config', ''],
    ['overwrite (legacy topic)', 'policy-1/config', '{"sensor_interval":"1"}'],
  ])(
    "refuses a client that would %s a device's retained config, closing its connection",
    async (_what, topic, payload) => {
      const before = local.mqtt.retained().get(topic)?.toString();
      expect(before).toBeDefined();
      const client = await mqtt.connectAsync(local.outputs.MqttUrl, { reconnectPeriod: 0 });
      const gone = closed(client);
      client.publish(topic, payload, { qos: 1, retain: true }, () => undefined);
      await gone;
      expect(local.mqtt.retained().get(topic)?.toString()).toBe(before);
      await client.endAsync(true);
    },
  );

  it("refuses a last will that would clear a device's retained config", async () => {
    const topic = 'devices/policy-1/config';
    const before = local.mqtt.retained().get(topic)?.toString();
    // A watcher sees a harmless will arrive: by then the config will (sent first) was handled too.
    const watcher = await mqtt.connectAsync(local.outputs.MqttUrl, { reconnectPeriod: 0 });
    await watcher.subscribeAsync('lab/will-probe', { qos: 1 });
    const probed = new Promise<void>((resolve) => watcher.once('message', () => resolve()));
    const withWill = (will: { topic: string; payload: Buffer }) =>
      mqtt.connectAsync(local.outputs.MqttUrl, {
        reconnectPeriod: 0,
        will: { ...will, qos: 1, retain: true },
      });
    const clearer = await withWill({ topic, payload: Buffer.alloc(0) });
    const prober = await withWill({ topic: 'lab/will-probe', payload: Buffer.from('gone') });
    // An ungraceful end publishes the will.
    for (const client of [clearer, prober]) (client.stream as unknown as { destroy(): void }).destroy();
    await probed;
    expect(local.mqtt.retained().get(topic)?.toString()).toBe(before);
    for (const client of [clearer, prober, watcher]) await client.endAsync(true);
  });

  it('still takes readings from anonymous clients', async () => {
    const client = await mqtt.connectAsync(local.outputs.MqttUrl, { reconnectPeriod: 0 });
    await client.publishAsync('devices/policy-1/readings', '{"readings":{}}', { qos: 1 });
    await client.endAsync();
  });

  it(`refuses a packet over IoT Core's ${MAX_MQTT_PACKET_BYTES} bytes from its header and stays up`, async () => {
    const client = await mqtt.connectAsync(local.outputs.MqttUrl, { reconnectPeriod: 0 });
    // Under the limit: accepted.
    await client.publishAsync('lab/large', Buffer.alloc(100 * 1024, 0x61), { qos: 1 });
    const gone = closed(client);
    client.publish('lab/large', Buffer.alloc(MAX_MQTT_PACKET_BYTES + 1, 0x61), { qos: 1 }, () => undefined);
    await gone;
    await client.endAsync(true);
    const after = await mqtt.connectAsync(local.outputs.MqttUrl, { reconnectPeriod: 0 });
    await after.publishAsync('lab/ok', 'ok', { qos: 1 });
    await after.endAsync();
  });

  it('refuses a 20 MB publish over the WebSocket transport too', async () => {
    const client = await mqtt.connectAsync(local.outputs.MqttWsUrl, { reconnectPeriod: 0 });
    const gone = closed(client);
    client.publish('lab/huge', Buffer.alloc(20 * 1024 * 1024, 0x61), { qos: 1 }, () => undefined);
    await gone;
    await client.endAsync(true);
    expect((await fetch(local.outputs.HealthUrl)).status).toBe(200);
  });
});

describe('device credentials (LOCAL_DEVICE_PASSWORD)', () => {
  let local: LocalMode;
  let token: string;
  beforeAll(async () => {
    local = await startTestLocal({ devicePassword: 'device-secret' });
    token = (await signIn(local.outputs, ADMIN.email, ADMIN.password)).idToken;
    await createDevice(local, token, 'policy-a');
    await createDevice(local, token, 'policy-b');
  });
  afterAll(async () => {
    await local?.stop();
  });

  const device = (username: string) =>
    mqtt.connectAsync(local.outputs.MqttUrl, { username, password: 'device-secret', reconnectPeriod: 0 });

  it("refuses a device that would overwrite its own config; the API's status stays true", async () => {
    const before = local.mqtt.retained().get('devices/policy-a/config')?.toString();
    const client = await device('policy-a');
    const gone = closed(client);
    client.publish(
      'devices/policy-a/config',
      '{"version":1,"enabled":false}',
      { qos: 1, retain: true },
      () => undefined,
    );
    await gone;
    await client.endAsync(true);
    expect(local.mqtt.retained().get('devices/policy-a/config')?.toString()).toBe(before);
    const r = await gql<{ device: { configStatus: string } }>(local.outputs, token, STATUS, {
      id: 'policy-a',
    });
    expect(r.data?.device.configStatus).not.toBe('FAILED');
  });

  it('refuses the username + (and #) at connect', async () => {
    await expect(device('+')).rejects.toThrow();
    await expect(device('#')).rejects.toThrow();
  });

  it("refuses a device's wildcard subscription to every device's config", async () => {
    const client = await device('policy-a');
    const granted = await client.subscribeAsync('devices/+/config', { qos: 1 }).catch((err: Error) => err);
    expect(granted).toBeInstanceOf(Error);
    const received: string[] = [];
    client.on('message', (topic) => received.push(topic));
    await client.subscribeAsync('devices/policy-a/config', { qos: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual(['devices/policy-a/config']);
    await client.endAsync();
  });
});
