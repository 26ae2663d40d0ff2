import type {
  Page,
  RangeQuery,
  Reading,
  ReadingPoint,
  ScanQuery,
  RecordQuery,
  TelemetryRecord,
  WriteResult,
} from './types';

/**
 * The telemetry store port. Timestream or DynamoDB implement it in AWS
 * (`--context telemetry=`), DuckDB or DynamoDB on dynalite locally
 * (`LOCAL_TELEMETRY`); all pass test/integration/telemetry/contract.ts.
 *
 * Writes are idempotent: writing the same records again leaves the stored
 * rows unchanged (a redelivered SQS message is an upsert, not a duplicate).
 */
export interface TelemetryStore {
  /**
   * Stores records. Never throws for a store-side failure: each record that
   * was not stored is named in `failures` with a reason and whether a retry
   * may succeed, so the caller can fail only the messages concerned.
   */
  write(records: readonly TelemetryRecord[]): Promise<WriteResult>;
  /** The newest reading of each sensor of a device (any order; callers sort). */
  latest(deviceId: string, sensors?: readonly string[]): Promise<Reading[]>;
  /** Points or buckets of one sensor in [from, to), oldest first, paginated. */
  range(query: RangeQuery): Promise<Page<ReadingPoint>>;
  /**
   * Every reading of the given sensors in [from, to), oldest first (one time's
   * readings by sensor), in batches of bounded size, so a caller can stream a
   * year without holding it (the export).
   */
  scan(query: ScanQuery): AsyncIterable<Reading[]>;
  /**
   * The stored records of a device that hold `sensor` in [from, to), oldest
   * first, whole (every sensor of each record), paginated: what
   * recalibration reads so it can write each one again as a new version.
   */
  records(query: RecordQuery): Promise<Page<TelemetryRecord>>;
  /** The oldest time (epoch ms) the store accepts a write for at `now`; older records are rejected. */
  oldestWritable(now: number): number;
}
