import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../../local/start-local';
import {
  adminToken,
  connectDevice,
  createDevice,
  gql,
  gqlData,
  latestReadings,
  linearSensor,
  publishReadings,
  waitForRejected,
  startTestLocal,
} from '../../../testkit/local-mode';
import { waitFor } from '../../../testkit/wait-for';

// Issue 12, item 6: values the stores cannot hold gave InternalError (min: -1e200, a calibration
// point of 1.7e308: DynamoDB numbers end at 9.99e125), AWSJSON nested 5,000 deep answered
// "Maximum call stack size exceeded", and an integral raw of 1e19 failed a whole DuckDB batch.

const CREATE = 'mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { id } }';
let local: LocalMode;
let token: string;

beforeAll(async () => {
  local = await startTestLocal();
  token = await adminToken(local.outputs);
});
afterAll(async () => {
  await local?.stop();
});

const sensor = (over: Record<string, unknown>) => ({ id: 'ph', measurement: 'ph', ...over });

describe('values the stores cannot hold are ValidationErrors naming the field', () => {
  it.each([
    ['min -1e200', sensor({ min: -1e200 }), /min/],
    ['max 1e126', sensor({ max: 1e126 }), /max/],
    ['max 2^53', sensor({ max: 2 ** 53 }), /max/],
    ['min 1e-200', sensor({ min: 1e-200 }), /min/],
    ['a calibration point raw of 1.7e308', linearSensor('ph', 'ph', 1.7e308, 1), /calibration.*raw|raw/],
    ['a calibration point actual of -1.7e308', linearSensor('ph', 'ph', 1, -1.7e308), /actual/],
  ])('%s', async (_name, s, field) => {
    const r = await gql(local.outputs, token, CREATE, {
      input: { id: `limits-${Math.random().toString(36).slice(2, 8)}`, name: 'x', sensors: [s] },
    });
    expect(r.errors?.[0]?.errorType).toBe('ValidationError');
    expect(r.errors?.[0]?.message).toMatch(field);
    expect(r.errors?.[0]?.message).toMatch(/DynamoDB/);
  });

  it('takes the largest and smallest numbers the device table stores', async () => {
    const r = await gql(local.outputs, token, CREATE, {
      input: {
        id: 'limits-edge',
        name: 'x',
        sensors: [sensor({ min: -Number.MAX_SAFE_INTEGER, max: 1e-130 })],
      },
    });
    expect(r.errors).toBeUndefined();
  });

  it('answers AWSJSON nested 5,000 deep with a ValidationError naming preferences', async () => {
    const me = await gql<{ me: { id: string } }>(local.outputs, token, '{ me { id } }');
    let deep = '1';
    for (let i = 0; i < 5_000; i++) deep = `{"a":${deep}}`;
    const r = await gql(
      local.outputs,
      token,
      'mutation U($input: UpdateUserInput!) { updateUser(input: $input) { id } }',
      { input: { id: me.data!.me.id, preferences: deep } },
    );
    expect(r.errors?.[0]?.errorType).toBe('ValidationError');
    expect(r.errors?.[0]?.message).toMatch(/preferences/);
    expect(r.errors?.[0]?.message).not.toMatch(/call stack/);
  });
});

/** Creates `id` with its sensors, publishes `messages` from one connection and flushes the processor. */
async function publishTo(id: string, sensors: unknown[], messages: Parameters<typeof publishReadings>[2]) {
  await createDevice(local.outputs, token, { id, sensors });
  const device = await connectDevice(local.outputs);
  await publishReadings(device, id, messages);
  await device.endAsync();
  await local.processor.flush();
}

describe('the local DuckDB store takes any value that passes validation', () => {
  it('stores an integral raw of 1e19 (beyond int64) with the rest of its batch', async () => {
    const ts = Date.now() - 1_000;
    await publishTo(
      'limits-raw',
      [linearSensor('ph', 'ph', 1, 1)],
      [
        { ts, readings: { ph: 1e19 } },
        { ts: ts + 1, readings: { ph: 5 } },
      ],
    );
    const from = new Date(ts - 60_000).toISOString();
    const to = new Date(ts + 60_000).toISOString();
    const raws = await waitFor(
      async () => {
        const r = await gqlData<{ readings: { items: { raw: number }[] } }>(
          local.outputs,
          token,
          'query R($from: AWSDateTime!, $to: AWSDateTime!) { readings(deviceId: "limits-raw", sensor: "ph", from: $from, to: $to) { items { raw } } }',
          { from, to },
        );
        const found = r.readings.items.map((p) => p.raw);
        return found.length >= 2 && found;
      },
      { describe: () => 'both readings of limits-raw stored' },
    );
    expect(raws.sort((a, b) => a - b)).toEqual([5, 1e19]);
  });

  it('rejects, naming the sensor, a raw that calibrates beyond a double, and stores the rest', async () => {
    await publishTo(
      'limits-inf',
      [linearSensor('ph', 'ph', 1, 10), linearSensor('tmp', 'temperature', 1, 1)],
      [{ ts: Date.now() - 1_000, readings: { ph: 1e308, tmp: 21 } }],
    );
    const reasons = (await waitForRejected(local.outputs, token, { deviceId: 'limits-inf' })).map(
      (m) => m.reason,
    );
    expect(reasons.join('\n')).toMatch(/sensor "ph": raw 1e\+308 calibrates to Infinity/);
    const latest = await latestReadings(local.outputs, token, 'limits-inf', 'sensor raw');
    expect(latest.map((r) => r.sensor)).toEqual(['tmp']);
  });
});
