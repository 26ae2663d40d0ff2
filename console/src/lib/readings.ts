import type { Api } from './api';
import { allPages } from './paging';
import type { Reading, ReadingPoint } from './types';
import { MAX_RAW_POINTS, resolutionFor } from './ranges';

/** How often the station page asks for the newest values: the device's interval, from 5 s to 1 min. */
export function latestPollMs(sensorIntervalMs: number): number {
  return Math.min(Math.max(sensorIntervalMs, 5_000), 60_000);
}

/** One sensor's points over [from, to): raw or buckets as resolutionFor decides, all pages. */
export async function sensorSeries(
  api: Api,
  args: { deviceId: string; sensor: string; from: Date; to: Date; sensorIntervalMs: number },
): Promise<{ points: ReadingPoint[]; buckets: boolean; interval: string | null }> {
  const { interval } = resolutionFor(args.to.getTime() - args.from.getTime(), args.sensorIntervalMs);
  // A station that reports faster than its configured interval could exceed the estimate: stop at a bound.
  const points = await allPages<ReadingPoint>(
    api,
    'readings',
    {
      deviceId: args.deviceId,
      sensor: args.sensor,
      from: args.from.toISOString(),
      to: args.to.toISOString(),
      interval,
      limit: 1000,
    },
    MAX_RAW_POINTS * 2,
  );
  return { points, buckets: interval !== null, interval };
}

/** Appends newer latest readings to a raw series (the live tail of the chart). */
export function appendLatest(
  points: readonly ReadingPoint[],
  reading: Reading | undefined,
): readonly ReadingPoint[] {
  if (!reading) return points;
  const last = points[points.length - 1];
  if (last && Date.parse(last.time) >= Date.parse(reading.time)) return points;
  return [
    ...points,
    {
      time: reading.time,
      value: reading.value,
      raw: reading.raw,
      outOfRange: reading.outOfRange,
      avg: null,
      min: null,
      max: null,
      count: null,
      ...(reading.qcFlag !== undefined ? { qcFlag: reading.qcFlag } : {}),
    },
  ];
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5m` -> 300000 (the intervals resolutionFor picks). */
export function intervalMs(interval: string): number {
  const match = /^(\d+)([mhd])$/.exec(interval);
  if (!match) throw new RangeError(`not an interval: ${interval}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/**
 * Folds a newer latest reading into bucketed points: into the last bucket
 * when it falls in it (avg, min, max, count updated), else as a new bucket,
 * so a long-range chart moves with the station too.
 */
export function mergeLatest(
  points: readonly ReadingPoint[],
  reading: Reading | undefined,
  bucketMs: number,
  lastMerged: string | undefined,
): readonly ReadingPoint[] {
  if (!reading || reading.time === lastMerged) return points;
  const t = Date.parse(reading.time);
  const start = Math.floor(t / bucketMs) * bucketMs;
  const last = points[points.length - 1];
  const lastStart = last ? Date.parse(last.time) : -Infinity;
  if (t < lastStart) return points;
  if (last && lastStart === start) {
    const count = (last.count ?? 0) + 1;
    const avg = ((last.avg ?? reading.value) * (count - 1) + reading.value) / count;
    return [
      ...points.slice(0, -1),
      {
        ...last,
        avg,
        min: Math.min(last.min ?? reading.value, reading.value),
        max: Math.max(last.max ?? reading.value, reading.value),
        count,
      },
    ];
  }
  return [
    ...points,
    {
      time: new Date(start).toISOString(),
      value: null,
      raw: null,
      outOfRange: null,
      avg: reading.value,
      min: reading.value,
      max: reading.value,
      count: 1,
    },
  ];
}
