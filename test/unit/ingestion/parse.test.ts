import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, parseMessage, routeTopic, type ParsedMessage } from '../../../core/ingestion';
import { NOW, message } from '../../../testkit/telemetry-fixtures';

const window = { now: NOW, oldest: NOW - 24 * 3_600_000 };
const parse = (topic: string, payload: unknown, receivedAt = NOW): ParsedMessage =>
  parseMessage(message(topic, payload, receivedAt), window);
const reasonOf = (p: ParsedMessage): string => (p.kind === 'invalid' ? p.reason : `not invalid: ${p.kind}`);

describe('routeTopic', () => {
  it('routes the three topic forms and nothing else', () => {
    expect(routeTopic('devices/b1/readings')).toEqual({ kind: 'readings', deviceId: 'b1' });
    expect(routeTopic('b1/reading/sensor/ph')).toEqual({
      kind: 'legacy-reading',
      deviceId: 'b1',
      sensor: 'ph',
    });
    expect(routeTopic('devices/b1/config/ack')).toEqual({ kind: 'ack', deviceId: 'b1' });
    expect(routeTopic('devices/b1/config')).toBeUndefined();
    expect(routeTopic('devices//readings')).toBeUndefined();
    expect(routeTopic('devices/b1/readings/extra')).toBeUndefined();
  });
});

describe('parseMessage', () => {
  it('parses a multi-sensor message with the device time', () => {
    const p = parse('devices/b1/readings', { ts: NOW - 1000, seq: 42, readings: { ph: 412, tmp: 0.71 } });
    expect(p).toEqual({
      kind: 'readings',
      deviceId: 'b1',
      time: NOW - 1000,
      source: 'device',
      values: [
        { sensor: 'ph', raw: 412 },
        { sensor: 'tmp', raw: 0.71 },
      ],
    });
  });

  it('accepts numbers sent as strings', () => {
    const p = parse('devices/b1/readings', { readings: { ph: '4.12', tmp: ' -1e-2 ' } });
    expect(p).toMatchObject({
      values: [
        { sensor: 'ph', raw: 4.12 },
        { sensor: 'tmp', raw: -0.01 },
      ],
    });
  });

  it('takes an ISO-8601 ts', () => {
    const p = parse('devices/b1/readings', { ts: '2026-11-26T23:59:00Z', readings: { ph: 1 } });
    expect(p).toMatchObject({ time: NOW - 60_000 });
  });

  it('uses the receive time when ts is missing', () => {
    expect(parse('devices/b1/readings', { readings: { ph: 1 } }, NOW - 5)).toMatchObject({ time: NOW - 5 });
  });

  it('parses a legacy message with a numeric string value at the receive time', () => {
    expect(parse('b1/reading/sensor/ph', { value: '0.71' }, NOW - 7)).toEqual({
      kind: 'readings',
      deviceId: 'b1',
      time: NOW - 7,
      source: 'legacy',
      values: [{ sensor: 'ph', raw: 0.71 }],
    });
  });

  it('parses an ack', () => {
    expect(
      parse('devices/b1/config/ack', { version: 7, status: 'rejected', reason: 'no such sensor' }),
    ).toEqual({
      kind: 'ack',
      deviceId: 'b1',
      version: 7,
      status: 'rejected',
      reason: 'no such sensor',
    });
  });

  it('rejects bad JSON', () => {
    expect(reasonOf(parse('devices/b1/readings', '{"readings": {'))).toMatch(/not valid JSON/);
  });

  it('rejects a JSON value that is not an object', () => {
    expect(reasonOf(parse('devices/b1/readings', '[1,2]'))).toMatch(/not a JSON object/);
  });

  it('rejects a binary payload', () => {
    expect(reasonOf(parse('devices/b1/readings', new Uint8Array([0xff, 0xfe, 0x00, 0x81])))).toMatch(
      /binary/,
    );
  });

  it('rejects an oversized payload unread', () => {
    const big = JSON.stringify({ readings: { ph: 1 }, pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    expect(reasonOf(parse('devices/b1/readings', big))).toMatch(/larger than/);
  });

  it('rejects an unknown topic and keeps the device id it can see', () => {
    const p = parse('devices/b1/telemetry', { readings: { ph: 1 } });
    expect(p).toMatchObject({
      kind: 'invalid',
      deviceId: 'b1',
      reason: expect.stringMatching(/unknown topic/),
    });
  });

  it('rejects a message without readings', () => {
    expect(reasonOf(parse('devices/b1/readings', { ts: NOW }))).toMatch(/readings/);
    expect(reasonOf(parse('devices/b1/readings', { readings: {} }))).toMatch(/empty/);
  });

  it('marks NaN, Infinity and non-numeric values per sensor, naming it', () => {
    const p = parse(
      'devices/b1/readings',
      '{"readings": {"ph": "NaN", "tmp": "Infinity", "do": 1e999, "co2": "abc", "cond": true, "tds": "", "lvl": 2}}',
    );
    if (p.kind !== 'readings') throw new Error(reasonOf(p));
    const problems = Object.fromEntries(p.values.map((v) => [v.sensor, v.problem ?? v.raw]));
    expect(problems).toEqual({
      ph: expect.stringMatching(/sensor "ph": "NaN" is not a finite number/),
      tmp: expect.stringMatching(/sensor "tmp"/),
      do: expect.stringMatching(/sensor "do": Infinity/),
      co2: expect.stringMatching(/sensor "co2"/),
      cond: expect.stringMatching(/sensor "cond": true/),
      tds: expect.stringMatching(/sensor "tds"/),
      lvl: 2,
    });
  });

  it('rejects a legacy value that is not a number', () => {
    expect(reasonOf(parse('b1/reading/sensor/ph', { value: 'abc' }))).toMatch(
      /value: "abc" is not a finite number/,
    );
    expect(reasonOf(parse('b1/reading/sensor/ph', { reading: 1 }))).toMatch(/value/);
  });

  it('rejects a time more than 15 minutes in the future', () => {
    expect(reasonOf(parse('devices/b1/readings', { ts: NOW + 16 * 60_000, readings: { ph: 1 } }))).toMatch(
      /future/,
    );
    expect(parse('devices/b1/readings', { ts: NOW + 14 * 60_000, readings: { ph: 1 } }).kind).toBe(
      'readings',
    );
  });

  it('rejects a time older than the store accepts', () => {
    expect(reasonOf(parse('devices/b1/readings', { ts: NOW - 25 * 3_600_000, readings: { ph: 1 } }))).toMatch(
      /older than the store accepts/,
    );
  });

  it('rejects a ts beyond the range of a date with a reason instead of throwing', () => {
    expect(reasonOf(parse('devices/b1/readings', { ts: 1e20, readings: { ph: 1 } }))).toMatch(
      /^time 100000000000000000000 is more than 15 minutes in the future$/,
    );
    expect(reasonOf(parse('devices/b1/readings', { ts: '999999999999999', readings: { ph: 1 } }))).toMatch(
      /future/,
    );
  });

  it('rejects a ts that is neither epoch ms nor ISO-8601', () => {
    expect(reasonOf(parse('devices/b1/readings', { ts: 'yesterday', readings: { ph: 1 } }))).toMatch(/ts:/);
  });

  it('words the reasons zod writes itself in English, as the rejected message keeps them', () => {
    // zod/mini ships no messages of its own: core/shared/zod.ts registers the English ones.
    expect(reasonOf(parse('devices/b1/readings', { ts: NOW }))).toBe(
      'readings: Invalid input: expected record, received undefined',
    );
    expect(reasonOf(parse('devices/b1/config/ack', { version: 2, status: 'done' }))).toBe(
      'config ack: status: Invalid option: expected one of "applied"|"rejected"',
    );
  });

  it('rejects an ack with a bad version or status', () => {
    expect(reasonOf(parse('devices/b1/config/ack', { version: 0, status: 'applied' }))).toMatch(
      /config ack: version/,
    );
    expect(reasonOf(parse('devices/b1/config/ack', { version: 2, status: 'done' }))).toMatch(
      /config ack: status/,
    );
  });
});
