/** The chart ranges the station page offers. */
export const RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export type RangeId = (typeof RANGES)[number]['id'];

/** Bucket sizes the API takes (`interval`, 1m to 31d), smallest first. */
const BUCKETS = [
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['3h', 10_800_000],
  ['6h', 21_600_000],
  ['1d', 86_400_000],
] as const;

/** Raw points while a range holds at most this many readings of the device (two pages of the API). */
export const MAX_RAW_POINTS = 2000;
/** Buckets are chosen so a chart holds at most about this many. */
export const MAX_BUCKETS = 400;

/**
 * Raw points for short ranges, buckets for long ones: raw while the device's
 * interval gives at most MAX_RAW_POINTS readings in the range, else the
 * smallest bucket that keeps the chart under MAX_BUCKETS.
 */
export function resolutionFor(rangeMs: number, sensorIntervalMs: number): { interval: string | null } {
  const expected = rangeMs / Math.max(sensorIntervalMs, 1000);
  if (expected <= MAX_RAW_POINTS) return { interval: null };
  for (const [name, ms] of BUCKETS) if (rangeMs / ms <= MAX_BUCKETS) return { interval: name };
  return { interval: '1d' };
}
