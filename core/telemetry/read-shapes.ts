import type { Page } from '../shared/pagination';
import { rangeCursorToken } from './range-token';
import { QC_TESTS_SEPARATOR } from './timestream/layout';
import {
  BUCKET_MIN_QUALITY,
  UNFLAGGED,
  readingPoint,
  type CalibratedReading,
  type RangeQuery,
  type ReadingPoint,
} from './types';

/**
 * What the telemetry stores' reads share whatever they read from (DuckDB
 * SQL, Timestream SQL, DynamoDB items): how a range page ends and where the
 * next one starts, what a raw point and a bucket hold, which flags a bucket
 * counts, and how a record's reading carries its optional fields. Each store
 * keeps only how it asks and how it reads its own rows.
 */

/**
 * The page of a read that asked for `limit + 1` rows: the first `limit`,
 * mapped, and a token when the extra row came back. The next page starts
 * after the time of the last row kept (a range token, the same on every store).
 */
export function rangePage<R, T>(
  rows: readonly R[],
  limit: number,
  timeOf: (row: R) => number,
  map: (row: R) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(map),
    nextToken: rows.length > limit && last !== undefined ? rangeCursorToken(timeOf(last)) : null,
  };
}

/** A raw point at `time` (epoch ms). */
export const rawPoint = (
  time: number,
  fields: Pick<ReadingPoint, 'value' | 'raw' | 'outOfRange' | 'qcFlag' | 'qcTests'>,
): ReadingPoint => readingPoint(new Date(time).toISOString(), fields);

/** A bucket starting at `time` (epoch ms): the stats of the values it kept, and how many it left out. */
export const bucketPoint = (
  time: number,
  fields: Pick<ReadingPoint, 'avg' | 'min' | 'max' | 'count' | 'excluded'>,
): ReadingPoint => readingPoint(new Date(time).toISOString(), fields);

/**
 * The page of a range read from SQL rows, as DuckDB and Timestream both name
 * the columns: `time, value, raw, out_of_range, qc_flag, qc_tests` for raw
 * points, `bucket, avg, min, max, count, excluded` for buckets; `limit + 1`
 * rows asked for. A NULL flag reads as unflagged, a NULL excluded as none.
 */
export function sqlRangePage(
  rows: readonly Record<string, unknown>[],
  query: RangeQuery,
): Page<ReadingPoint> {
  const bucketed = query.intervalMs !== undefined;
  return rangePage(
    rows,
    query.limit,
    (row) => Number(bucketed ? row.bucket : row.time),
    (row) =>
      bucketed
        ? bucketPoint(Number(row.bucket), {
            avg: nullableNumber(row.avg),
            min: nullableNumber(row.min),
            max: nullableNumber(row.max),
            count: nullableNumber(row.count),
            excluded: nullableNumber(row.excluded) ?? 0,
          })
        : rawPoint(Number(row.time), {
            value: nullableNumber(row.value),
            raw: nullableNumber(row.raw),
            outOfRange: row.out_of_range === null ? null : Boolean(row.out_of_range),
            qcFlag: nullableNumber(row.qc_flag) ?? UNFLAGGED,
            qcTests: splitTests(row.qc_tests),
          }),
  );
}

/** A column value as a number; SQL NULL (or a missing column) as null. */
export const nullableNumber = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);

/** The names of the tests that flagged a reading, from their stored list; none when empty or NULL. */
export const splitTests = (v: unknown): string[] =>
  typeof v === 'string' && v.length > 0 ? v.split(QC_TESTS_SEPARATOR) : [];

/** The worst QARTOD flag a bucket counts: the query's minQuality, else BUCKET_MIN_QUALITY. */
export const bucketBound = (query: Pick<RangeQuery, 'minQuality'>): number =>
  query.minQuality ?? BUCKET_MIN_QUALITY;

/** The optional fields of a stored reading; null or undefined ones are left out of the record. */
export interface OptionalReadingFields {
  qcFlag?: number | null;
  qcTests?: string[] | null;
  configVersion?: number | null;
}

/**
 * A reading of a record read back whole (what recalibration rewrites): the
 * optional fields appear only when stored, so a record written before quality
 * control, or without a sensor of its own version, reads back as it was written.
 */
export function calibratedReading(
  fields: Omit<CalibratedReading, keyof OptionalReadingFields>,
  optional: OptionalReadingFields,
): CalibratedReading {
  const reading: CalibratedReading = { ...fields };
  if (optional.qcFlag !== null && optional.qcFlag !== undefined) reading.qcFlag = optional.qcFlag;
  if (optional.qcTests !== null && optional.qcTests !== undefined) reading.qcTests = optional.qcTests;
  if (optional.configVersion !== null && optional.configVersion !== undefined)
    reading.configVersion = optional.configVersion;
  return reading;
}
