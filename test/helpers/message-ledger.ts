import { expect } from 'vitest';
import type { RejectedMessageService } from '../../core/rejected';
import type { TelemetryStore } from '../../core/telemetry';
import { rejectedIdOf, type Delivery } from './reliability-harness';
import { message } from '../../testkit/telemetry-fixtures';
import { storedPoints } from './telemetry-rows';

/** What must become of one message once it is acknowledged. */
export interface Expected extends Delivery {
  /** The calibrated ph value stored at `time` for `deviceId`, when the message carries a good reading. */
  stored?: { deviceId: string; time: number; ph: number };
  /** The reason kept with the rejected message, when (part of) the message can never be used. */
  rejected?: RegExp;
}

/**
 * A mixed traffic of `good` readings over `deviceIds` (ph raw 0..9, calibrated
 * raw * 1.4) and one message of each kind that can never be stored whole: an
 * unknown device, bad JSON, a reading from the future, and a message with one
 * unknown sensor (its ph is stored, the rest kept as rejected).
 */
export function mixedTraffic(prefix: string, deviceIds: readonly string[], good: number, base: number) {
  const out: Expected[] = [];
  for (let n = 0; n < good; n++) {
    const deviceId = deviceIds[n % deviceIds.length]!;
    const time = base + n * 1000;
    const raw = n % 10;
    out.push({
      id: `${prefix}-good-${n}`,
      message: message(
        `devices/${deviceId}/readings`,
        { ts: time, seq: n, readings: { ph: raw, tmp: 0.5 } },
        time + 100,
      ),
      stored: { deviceId, time, ph: Math.round(raw * 140) / 100 },
    });
  }
  const d0 = deviceIds[0]!;
  const at = base + good * 1000;
  out.push(
    {
      id: `${prefix}-unknown-device`,
      message: message(`devices/${prefix}-nobody/readings`, { ts: at, readings: { ph: 1 } }, at),
      rejected: /unknown device/,
    },
    {
      id: `${prefix}-bad-json`,
      message: message(`devices/${d0}/readings`, '{"readings": {"ph": 1', at + 1),
      rejected: /JSON/i,
    },
    {
      id: `${prefix}-future`,
      message: message(`devices/${d0}/readings`, { ts: at + 3_600_000, readings: { ph: 1 } }, at + 2),
      rejected: /future/i,
    },
    {
      id: `${prefix}-partial`,
      message: message(`devices/${d0}/readings`, { ts: at + 3, readings: { ph: 2, xyz: 1 } }, at + 3),
      stored: { deviceId: d0, time: at + 3, ph: 2.8 },
      rejected: /sensor "xyz"/,
    },
  );
  return out;
}

/**
 * Checks that every acknowledged message is accounted for: its readings
 * stored with the calibrated value, or its rejection kept with its reason
 * (both, for a partial message). Returns the counts for exact assertions.
 */
export async function expectAccountedFor(
  acknowledged: readonly Expected[],
  telemetry: Pick<TelemetryStore, 'range'>,
  rejected: Pick<RejectedMessageService, 'get'>,
  window: { from: number; to: number },
): Promise<{ stored: number; rejected: number }> {
  const points = new Map<string, Map<number, number | null>>();
  for (const deviceId of new Set(acknowledged.flatMap((e) => (e.stored ? [e.stored.deviceId] : [])))) {
    points.set(deviceId, await storedPoints(telemetry, deviceId, 'ph', window.from, window.to));
  }
  const counts = { stored: 0, rejected: 0 };
  for (const e of acknowledged) {
    if (e.stored) {
      expect({ id: e.id, ph: points.get(e.stored.deviceId)?.get(e.stored.time) }).toEqual({
        id: e.id,
        ph: e.stored.ph,
      });
      counts.stored++;
    }
    if (e.rejected) {
      const kept = await rejected.get(rejectedIdOf(e));
      expect({ id: e.id, reason: kept.reason }).toEqual({
        id: e.id,
        reason: expect.stringMatching(e.rejected),
      });
      counts.rejected++;
    }
  }
  return counts;
}

/** Splits messages into SQS-sized batches (the event source mapping's batch size). */
export const batchesOf = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
