import type { Api } from './api';
import type { Connection, Reading, ReadingPoint } from './types';
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
  const points: ReadingPoint[] = [];
  let nextToken: string | null = null;
  do {
    const page: Connection<ReadingPoint> = await api.request('readings', {
      deviceId: args.deviceId,
      sensor: args.sensor,
      from: args.from.toISOString(),
      to: args.to.toISOString(),
      interval,
      limit: 1000,
      nextToken,
    });
    points.push(...page.items);
    nextToken = page.nextToken;
    // A station that reports faster than its configured interval could exceed the estimate: stop at a bound.
  } while (nextToken && points.length < MAX_RAW_POINTS * 2);
  return { points, buckets: interval !== null, interval };
}

/** Appends newer latest readings to a raw series (the live tail of the chart). */
export function appendLatest(points: readonly ReadingPoint[], reading: Reading | undefined): readonly ReadingPoint[] {
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
