import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { LocalMode } from '../../../local/start-local';
import {
  PH_SENSOR,
  adminToken as signInAdmin,
  connectDevice,
  createDevice,
  gql,
  health,
  processedSince,
  rejectedMessages,
  startTestLocal,
} from '../../../testkit/local-mode';
import { waitFor } from '../../../testkit/wait-for';

// Hostile device traffic through the local broker, with device credentials on
// (LOCAL_DEVICE_PASSWORD): what a device sends on its own topics is either used or
// kept as a rejected message with a reason; what it sends on another's is refused.
// The IoT policy's side of the same rule is asserted on the template (test/unit/infra).

const DEVICE_PASSWORD = 'device-secret';

let local: LocalMode;
let adminToken: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  local = await startTestLocal({ devicePassword: DEVICE_PASSWORD });
  adminToken = await signInAdmin(local.outputs);
  for (const id of ['sec-a', 'sec-b'])
    await createDevice(local.outputs, adminToken, { id, name: `Security ${id}`, sensors: [PH_SENSOR] });
});

afterAll(async () => {
  for (const client of clients) await client.endAsync(true);
  await local?.stop();
});

async function connectAs(deviceId: string): Promise<MqttClient> {
  const client = await connectDevice(local.outputs, {
    username: deviceId,
    password: DEVICE_PASSWORD,
    clientId: `${deviceId}-${clients.length}`,
  });
  clients.push(client);
  return client;
}

/** Bytes that are not UTF-8, from a fixed seed. */
function binary(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  return bytes;
}

interface RejectedItem {
  id: string;
  deviceId: string | null;
  topic: string;
  payload: string;
  payloadEncoding: string;
  reason: string;
}

const rejectedOf = (deviceId: string) =>
  rejectedMessages<RejectedItem>(
    local.outputs,
    adminToken,
    deviceId,
    'id deviceId topic payload payloadEncoding reason',
  );

const stored = (bytes: Buffer, encoding: 'utf8' | 'base64') =>
  encoding === 'utf8' ? bytes.toString('utf8') : bytes.toString('base64');

/** The processor's counters, from the public /health. */
const processorStats = async () => (await health(local.outputs)).processor;

describe('MQTT: hostile payloads and topics', () => {
  it('keeps malformed, binary and oversized payloads as rejected messages with a reason', async () => {
    const cases: { topic: string; payload: Buffer; encoding: 'utf8' | 'base64'; reason: RegExp }[] = [
      {
        topic: 'devices/sec-a/readings',
        payload: Buffer.from('{"readings": {"ph": 1'),
        encoding: 'utf8',
        reason: /not valid JSON/,
      },
      {
        topic: 'sec-a/reading/sensor/ph',
        payload: Buffer.from('{"value": '),
        encoding: 'utf8',
        reason: /not valid JSON/,
      },
      {
        topic: 'devices/sec-a/config/ack',
        payload: Buffer.from('{version: 1, status: applied}'),
        encoding: 'utf8',
        reason: /not valid JSON/,
      },
      {
        topic: 'devices/sec-a/readings',
        payload: Buffer.from('[{"ph": 1}]'),
        encoding: 'utf8',
        reason: /not a JSON object/,
      },
      {
        topic: 'devices/sec-a/readings',
        payload: Buffer.from('{"readings": {"ph": "NaN", "tmp": 1e999}}'),
        encoding: 'utf8',
        reason: /ph|tmp|number/,
      },
      {
        topic: 'devices/sec-a/readings',
        payload: binary(64, 1),
        encoding: 'base64',
        reason: /binary payload/,
      },
      {
        topic: 'sec-a/reading/sensor/ph',
        payload: binary(300, 2),
        encoding: 'base64',
        reason: /binary payload/,
      },
      {
        // Valid JSON, under IoT Core's 128 KiB message limit but over the pipeline's payload limit.
        topic: 'devices/sec-a/readings',
        payload: Buffer.from(JSON.stringify({ readings: { ph: 1 }, pad: 'p'.repeat(30 * 1024) })),
        encoding: 'utf8',
        reason: /larger than/,
      },
      {
        topic: 'devices/sec-a/readings',
        payload: binary(40 * 1024, 3),
        encoding: 'base64',
        reason: /larger than/,
      },
    ];
    const device = await connectAs('sec-a');
    for (const c of cases) await device.publishAsync(c.topic, c.payload, { qos: 1 });

    const found = await waitFor(
      async () => {
        const items = await rejectedOf('sec-a');
        const each = cases.map((c) =>
          items.find((i) => i.topic === c.topic && i.payload === stored(c.payload, c.encoding)),
        );
        return each.every(Boolean) && each;
      },
      { describe: () => `all ${cases.length} hostile payloads kept as rejected messages` },
    );
    cases.forEach((c, index) => {
      expect(found[index], c.topic).toMatchObject({
        deviceId: 'sec-a',
        payloadEncoding: c.encoding,
        reason: expect.stringMatching(c.reason),
      });
    });
  });

  it("refuses a message over IoT Core's 128 KiB at the broker, as IoT Core does: not acknowledged, not processed", async () => {
    // Larger messages used to be taken and kept cut to their first bytes; IoT Core refuses them
    // (and closes the connection), and so does the local broker now, from the packet header.
    const before = await processorStats();
    const huge = Buffer.from(JSON.stringify({ readings: { ph: 1 }, pad: 'h'.repeat(600 * 1024) }));
    const device = await connectAs('sec-a');
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    let acknowledged = false;
    device.publish('devices/sec-a/readings', huge, { qos: 1 }, (err) => (acknowledged = !err));
    await closed;
    expect(acknowledged).toBe(false);
    expect((await processorStats()).received).toBe(before.received);
    expect(
      (await rejectedOf('sec-a')).some((i) => i.payload.startsWith('{"readings":{"ph":1},"pad":"hhh')),
    ).toBe(false);
  });

  it("refuses a device's publish on another device's topics: not stored, not processed", async () => {
    const before = await processorStats();
    const forged = [
      { topic: 'devices/sec-b/readings', payload: JSON.stringify({ readings: { ph: 777 } }) },
      { topic: 'sec-b/reading/sensor/ph', payload: JSON.stringify({ value: 778 }) },
    ];
    for (const { topic, payload } of forged) {
      const intruder = await connectAs('sec-a');
      const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
      intruder.publish(topic, payload, { qos: 1 }, () => undefined);
      // The broker ends the connection, as IoT Core does for a publish the policy denies.
      await closed;
    }

    // sec-b's own message, sent after the refused ones: once it is stored, they would have been too.
    const owner = await connectAs('sec-b');
    await owner.publishAsync('devices/sec-b/readings', JSON.stringify({ readings: { ph: 555 } }), { qos: 1 });
    // Wait until the processor has finished everything it received since (the marker at least).
    await waitFor(async () => processedSince(before, await processorStats()), {
      describe: () => 'the processor to finish the marker message',
    });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const points = await gql<{ readings: { items: { raw: number }[] } }>(
      local.outputs,
      adminToken,
      'query P($from: AWSDateTime!, $to: AWSDateTime!) { readings(deviceId: "sec-b", sensor: "ph", from: $from, to: $to, limit: 100) { items { raw } } }',
      { from, to },
    );
    expect(points.errors).toBeUndefined();
    const raws = points.data?.readings.items.map((p) => p.raw);
    expect(raws).toEqual([555]);
    expect((await rejectedOf('sec-b')).map((r) => r.payload)).toEqual([]);
    // The processor received only sec-b's own message: the refused ones never reached it.
    expect((await processorStats()).received).toBe(before.received + 1);
  });
});
