import { afterAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { startMqtt, topicMatches, type EmbeddedMqtt } from '../../local/embedded/mqtt';

const brokers: EmbeddedMqtt[] = [];
const clients: MqttClient[] = [];
afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  for (const b of brokers) await b.stop();
});

async function broker() {
  const b = await startMqtt({ port: 0, wsPort: 0 });
  brokers.push(b);
  return b;
}

async function connect(url: string) {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

/** Publishes at QoS 1 and reports whether a PUBACK came back before the connection closed. */
function acknowledged(c: MqttClient, topic: string, payload: string): Promise<boolean> {
  return Promise.race([
    c.publishAsync(topic, payload, { qos: 1 }).then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => c.once('close', () => resolve(false))),
  ]);
}

describe('embedded MQTT: the processor intake', () => {
  it('hands every message on its filter over exactly once, from devices and from in-process publishes', async () => {
    const b = await broker();
    const taken: string[] = [];
    await b.intake('devices/+/readings', (topic, payload) => taken.push(`${topic} ${payload.toString()}`));
    const device = await connect(b.url);
    // The intake has a device's message when the PUBACK arrives, not some turns later.
    const atPuback: number[] = [];
    device.on('packetreceive', (packet) => packet.cmd === 'puback' && atPuback.push(taken.length));
    for (let i = 0; i < 3; i++) await device.publishAsync('devices/d1/readings', `m${i}`, { qos: 1 });
    await device.publishAsync('devices/d1/other', 'not for the intake', { qos: 1 });
    await b.publish({ topic: 'devices/d2/readings', payload: 'in-process', qos: 1 });

    expect(atPuback.slice(0, 3)).toEqual([1, 2, 3]);
    expect(taken).toEqual([
      'devices/d1/readings m0',
      'devices/d1/readings m1',
      'devices/d1/readings m2',
      'devices/d2/readings in-process',
    ]);
  });

  it('refuses a publish the intake cannot take (no PUBACK, connection closed): the device sends it again', async () => {
    const b = await broker();
    let failing = true;
    const taken: string[] = [];
    await b.intake('devices/+/readings', (_topic, payload) => {
      if (failing) throw new Error('disk full');
      taken.push(payload.toString());
    });
    const first = await connect(b.url);
    expect(await acknowledged(first, 'devices/d1/readings', 'r1')).toBe(false);
    expect(taken).toEqual([]);

    failing = false;
    const again = await connect(b.url);
    expect(await acknowledged(again, 'devices/d1/readings', 'r1')).toBe(true);
    expect(taken).toEqual(['r1']);
  });

  it('refuses devices publishes on its filter once closed, rather than acknowledging them to nobody', async () => {
    const b = await broker();
    const taken: string[] = [];
    const close = await b.intake('devices/+/readings', (_topic, payload) => taken.push(payload.toString()));
    const device = await connect(b.url);
    expect(await acknowledged(device, 'devices/d1/readings', 'before')).toBe(true);
    await close();

    const late = await connect(b.url);
    expect(await acknowledged(late, 'devices/d1/readings', 'after')).toBe(false);
    // Other topics are untouched.
    const other = await connect(b.url);
    expect(await acknowledged(other, 'devices/d1/config/ack', '{}')).toBe(true);
    expect(taken).toEqual(['before']);
  });

  it('matches topics as MQTT filters do', () => {
    expect(topicMatches('devices/+/readings', 'devices/a/readings')).toBe(true);
    expect(topicMatches('devices/+/readings', 'devices/a/b/readings')).toBe(false);
    expect(topicMatches('devices/+/readings', 'devices/a/readings/x')).toBe(false);
    expect(topicMatches('+/reading/sensor/+', 'a/reading/sensor/ph')).toBe(true);
    expect(topicMatches('+/reading/sensor/+', 'a/reading/sensor')).toBe(false);
    expect(topicMatches('devices/#', 'devices')).toBe(true);
    expect(topicMatches('devices/#', 'devices/a/b')).toBe(true);
    expect(topicMatches('devices/#', 'other/a')).toBe(false);
  });
});
