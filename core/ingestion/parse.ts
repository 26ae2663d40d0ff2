import { isUtf8 } from 'node:buffer';
import {
  ackPayloadSchema,
  describeIssues,
  legacyPayloadSchema,
  rawValueSchema,
  readingsPayloadSchema,
  type ReadingsPayload,
} from './schemas';
import { deviceIdHint, routeTopic } from './topics';
import type { InboundMessage } from './types';

/** Payloads larger than this are refused unread: a ten-sensor message is about 200 bytes. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
/** More sensors than a buoy carries, with room; also keeps a record under Timestream's 2 KiB. */
export const MAX_READINGS_PER_MESSAGE = 32;
/** Timestream refuses records more than 15 minutes in the future; so does the pipeline, for every store. */
export const MAX_FUTURE_MS = 15 * 60_000;

/** One sensor's raw value, or why it is not one. */
export interface SensorValue {
  sensor: string;
  raw: number | undefined;
  problem: string | undefined;
}

export type ParsedMessage =
  | {
      kind: 'readings';
      deviceId: string;
      /** Epoch ms. */
      time: number;
      source: 'device' | 'legacy';
      values: SensorValue[];
    }
  | { kind: 'ack'; deviceId: string; version: number; status: 'applied' | 'rejected'; reason?: string }
  | { kind: 'invalid'; deviceId: string | null; reason: string };

/** The time window a reading must fall in: not older than the store accepts, not too far ahead. */
export interface TimeWindow {
  /** Epoch ms; older readings are refused. */
  oldest: number;
  /** Epoch ms; the current time. */
  now: number;
}

/**
 * Routes a message by its topic and parses its payload. Never throws: every
 * way a payload can be unusable comes back as `invalid` with a reason.
 */
export function parseMessage(message: InboundMessage, window: TimeWindow): ParsedMessage {
  const route = routeTopic(message.topic);
  if (!route) return invalid(deviceIdHint(message.topic), `unknown topic "${clip(message.topic, 200)}"`);
  const { deviceId } = route;
  if (message.payload.byteLength > MAX_PAYLOAD_BYTES) {
    return invalid(
      deviceId,
      `payload of ${message.payload.byteLength} bytes is larger than ${MAX_PAYLOAD_BYTES}`,
    );
  }
  // isUtf8 is native and cheaper than a fatal TextDecoder on the hot path.
  if (!isUtf8(message.payload)) return invalid(deviceId, 'binary payload: not UTF-8 text');
  const text = Buffer.from(
    message.payload.buffer,
    message.payload.byteOffset,
    message.payload.byteLength,
  ).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return invalid(deviceId, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return invalid(deviceId, 'payload is not a JSON object');
  }

  switch (route.kind) {
    case 'ack': {
      const ack = ackPayloadSchema().safeParse(json);
      if (!ack.success) return invalid(deviceId, `config ack: ${describeIssues(ack.error)}`);
      return {
        kind: 'ack',
        deviceId,
        version: ack.data.version,
        status: ack.data.status,
        ...(ack.data.reason !== undefined ? { reason: ack.data.reason } : {}),
      };
    }
    case 'legacy-reading': {
      const legacy = legacyPayloadSchema().safeParse(json);
      if (!legacy.success) return invalid(deviceId, describeIssues(legacy.error));
      // Legacy firmware sends no time: the receive time is the reading's time.
      const window_ = checkTime(message.receivedAt, window);
      if (window_) return invalid(deviceId, window_);
      const value = rawValueOf(route.sensor, legacy.data.value, 'value');
      if (value.problem) return invalid(deviceId, value.problem);
      return { kind: 'readings', deviceId, time: message.receivedAt, source: 'legacy', values: [value] };
    }
    case 'readings': {
      // The common shape is checked by hand (the schema costs more than JSON.parse); anything
      // else goes through the declared schema, which accepts or words what is wrong.
      let body = json as ReadingsPayload;
      if (!isPlainReadings(json)) {
        const parsed = readingsPayloadSchema().safeParse(json);
        if (!parsed.success) return invalid(deviceId, describeIssues(parsed.error));
        body = parsed.data;
      }
      const time = body.ts === undefined ? message.receivedAt : parseTimestamp(body.ts);
      if (time === undefined)
        return invalid(deviceId, 'ts: is neither epoch milliseconds nor an ISO-8601 date-time');
      const late = checkTime(time, window);
      if (late) return invalid(deviceId, late);
      const values: SensorValue[] = [];
      for (const sensor in body.readings) {
        // Keys are not checked against the id pattern here: a key that is no sensor of the
        // device is refused when the record is built, by name.
        const raw = body.readings[sensor];
        if (typeof raw === 'number' && Number.isFinite(raw)) values.push({ sensor, raw, problem: undefined });
        else values.push(rawValueOf(sensor, raw, `sensor "${clip(sensor, 40)}"`));
      }
      if (values.length === 0) return invalid(deviceId, 'readings: is empty');
      if (values.length > MAX_READINGS_PER_MESSAGE) {
        return invalid(
          deviceId,
          `readings: has ${values.length} sensors, more than ${MAX_READINGS_PER_MESSAGE}`,
        );
      }
      return { kind: 'readings', deviceId, time, source: 'device', values };
    }
  }
}

/**
 * True for a payload that readingsPayloadSchema accepts unchanged: `ts` a
 * number or absent, `seq` a whole number or absent, `readings` an object.
 */
function isPlainReadings(json: object): json is ReadingsPayload {
  const { ts, seq, readings } = json as Record<string, unknown>;
  return (
    (ts === undefined || typeof ts === 'number') &&
    (seq === undefined || (Number.isInteger(seq) && (seq as number) >= 0)) &&
    typeof readings === 'object' &&
    readings !== null &&
    !Array.isArray(readings)
  );
}

function rawValueOf(sensor: string, raw: unknown, label: string): SensorValue {
  // Fast path for the common case; the schema only runs for anything else, to word the problem.
  // One object shape for every value keeps the hot loops monomorphic.
  if (typeof raw === 'number' && Number.isFinite(raw)) return { sensor, raw, problem: undefined };
  const parsed = rawValueSchema().safeParse(raw);
  if (parsed.success) return { sensor, raw: parsed.data, problem: undefined };
  return { sensor, raw: undefined, problem: `${label}: ${describeValue(raw)} is not a finite number` };
}

/** Epoch ms from a number, a string of digits or an ISO-8601 date-time; undefined when it is none. */
export function parseTimestamp(ts: number | string): number | undefined {
  if (typeof ts === 'number') return Number.isFinite(ts) && ts >= 0 ? Math.round(ts) : undefined;
  if (/^\d{1,15}$/.test(ts)) return Number(ts);
  // Date.parse takes many shapes; only ISO-8601 date-times with a zone are the contract.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(ts)) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

function checkTime(time: number, window: TimeWindow): string | undefined {
  if (time > window.now + MAX_FUTURE_MS) {
    // A number beyond a Date's range (8.64e15 ms) is a valid JSON number: it must be worded, not thrown on.
    return `time ${safeIso(time)} is more than 15 minutes in the future`;
  }
  if (time < window.oldest) {
    return `time ${safeIso(time)} is older than the store accepts (${new Date(window.oldest).toISOString()})`;
  }
  return undefined;
}

const invalid = (deviceId: string | null, reason: string): ParsedMessage => ({
  kind: 'invalid',
  deviceId,
  reason,
});

const safeIso = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms));

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}...` : text);

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(clip(value, 40));
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}
