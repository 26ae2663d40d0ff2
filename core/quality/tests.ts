import { QC_FLAG, type QcFlag } from './flags';

/**
 * The QARTOD tests as pure functions of values (docs/QUALITY.md gives the
 * manuals' definitions each follows). None reads a clock or a store: the
 * ingestion assessor and recalibration feed them from their own history.
 */

/**
 * Values are rounded to a sensor's decimals before they are tested, so a
 * distance that equals a threshold must not exceed it by binary noise
 * ((1.1 + 1.2) / 2 is 1.1500000000000001).
 */
const exceeds = (distance: number, threshold: number): boolean =>
  distance - threshold > 1e-9 * Math.max(1, Math.abs(threshold));

/** Gross range: outside the instrument's span fails, outside the operator's span is suspect. */
export function grossRangeTest(
  value: number,
  spans: { sensorMin?: number; sensorMax?: number; userMin?: number; userMax?: number },
): QcFlag {
  const { sensorMin, sensorMax, userMin, userMax } = spans;
  const anySpan =
    sensorMin !== undefined || sensorMax !== undefined || userMin !== undefined || userMax !== undefined;
  return grossRangeFlag(value, sensorMin ?? NaN, sensorMax ?? NaN, userMin ?? NaN, userMax ?? NaN, anySpan);
}

/**
 * Gross range on bounds already resolved, an absent one as NaN (what the
 * ingestion assessor keeps per sensor): NaN compares false both ways, as an
 * absent bound must, and a number-only comparison stays fast where a bound
 * that is sometimes undefined would make every comparison a generic one.
 */
export function grossRangeFlag(
  value: number,
  sensorMin: number,
  sensorMax: number,
  userMin: number,
  userMax: number,
  anySpan: boolean,
): QcFlag {
  if (value < sensorMin || value > sensorMax) return QC_FLAG.FAIL;
  if (value < userMin || value > userMax) return QC_FLAG.SUSPECT;
  return anySpan ? QC_FLAG.PASS : QC_FLAG.NOT_EVALUATED;
}

/** One seasonal span: months 1-12, fromMonth..toMonth inclusive, wrapping over the new year when from > to. */
export interface SeasonalSpan {
  fromMonth: number;
  toMonth: number;
  min: number;
  max: number;
}

const inSeason = (month: number, span: SeasonalSpan): boolean =>
  span.fromMonth <= span.toMonth
    ? month >= span.fromMonth && month <= span.toMonth
    : month >= span.fromMonth || month <= span.toMonth;

/**
 * Climatology: a value outside the span of its season (UTC month of `time`)
 * is suspect; a time no span covers is not evaluated.
 */
export function climatologyTest(value: number, time: number, spans: readonly SeasonalSpan[]): QcFlag {
  const month = utcMonth(time);
  for (const span of spans)
    if (inSeason(month, span)) return value < span.min || value > span.max ? QC_FLAG.SUSPECT : QC_FLAG.PASS;
  return QC_FLAG.NOT_EVALUATED;
}

/**
 * The month last answered and the times it spans: readings arrive in runs
 * within one month, so most calls answer without building a Date. The
 * bounds are the month's own (first ms in, first ms of the next), so a time
 * outside them is always worked out afresh.
 */
let monthFrom = 0;
let monthTo = 0;
let monthNumber = 1;

/** The UTC month (1-12) of an epoch-ms time (NaN for a time no Date holds). */
function utcMonth(time: number): number {
  if (time >= monthFrom && time < monthTo) return monthNumber;
  const start = new Date(time);
  start.setUTCDate(1);
  start.setUTCHours(0, 0, 0, 0);
  const month = start.getUTCMonth();
  monthFrom = start.getTime();
  start.setUTCMonth(month + 1);
  monthTo = start.getTime();
  monthNumber = month + 1;
  return monthNumber;
}

/**
 * Spike, for the middle value of three consecutive ones: the distance of
 * V(n-1) from the mean of its neighbours, against the suspect and fail
 * thresholds. This is why the verdict on a reading lags one reading.
 */
export function spikeTest(
  before: number,
  value: number,
  after: number,
  thresholds: { suspect: number; fail: number },
): QcFlag {
  const distance = Math.abs(value - (before + after) / 2);
  if (exceeds(distance, thresholds.fail)) return QC_FLAG.FAIL;
  if (exceeds(distance, thresholds.suspect)) return QC_FLAG.SUSPECT;
  return QC_FLAG.PASS;
}

/** Population standard deviation of the values (0 for fewer than two). */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return Math.sqrt(sum / values.length);
}

/** Values a standard deviation is computed from, at least; fewer leave the test not evaluated. */
export const MIN_RATE_OF_CHANGE_VALUES = 3;

/**
 * Rate of change: |V(n) - V(n-1)| above `deviations` standard deviations of
 * the earlier values of the window is suspect (the manuals' test never fails).
 * `window` holds the earlier values, oldest first, V(n-1) last.
 */
export function rateOfChangeTest(value: number, window: readonly number[], deviations: number): QcFlag {
  return rateOfChangeFlag(
    value,
    window[window.length - 1] ?? value,
    window.length,
    standardDeviation(window),
    deviations,
  );
}

/** The rate-of-change verdict from the window's count and standard deviation (what the assessor keeps running). */
export function rateOfChangeFlag(
  value: number,
  previous: number,
  count: number,
  sd: number,
  deviations: number,
): QcFlag {
  if (count < MIN_RATE_OF_CHANGE_VALUES) return QC_FLAG.NOT_EVALUATED;
  return sd > 0 && exceeds(Math.abs(value - previous), deviations * sd) ? QC_FLAG.SUSPECT : QC_FLAG.PASS;
}

/**
 * Flat line: how many of the most recent earlier values lie within
 * `tolerance` of V(n), counted back until one does not; that many or more
 * reaching the suspect or fail count flags it. Too few earlier values to
 * reach the suspect count is not evaluated.
 */
export function flatLineTest(
  value: number,
  earlier: readonly number[],
  options: { tolerance: number; suspectCount: number; failCount: number },
): QcFlag {
  let repeats = 0;
  for (let i = earlier.length - 1; i >= 0; i--) {
    if (Math.abs(earlier[i]! - value) > options.tolerance) break;
    repeats++;
  }
  return flatLineFlag(repeats, earlier.length, options);
}

/**
 * The flat-line verdict from the number of earlier values that repeat V(n)
 * and the number of earlier values there were to look at.
 */
export function flatLineFlag(
  repeats: number,
  available: number,
  options: { suspectCount: number; failCount: number },
): QcFlag {
  // Counts name the run including V(n) itself.
  const run = repeats + 1;
  if (run >= options.failCount) return QC_FLAG.FAIL;
  if (run >= options.suspectCount) return QC_FLAG.SUSPECT;
  if (repeats === available && available + 1 < options.suspectCount) return QC_FLAG.NOT_EVALUATED;
  return QC_FLAG.PASS;
}
