import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { TelemetryStore } from '../port';
import type {
  Page,
  RangeQuery,
  Reading,
  ReadingPoint,
  ScanQuery,
  RecordQuery,
  TelemetryRecord,
  WriteResult,
} from '../types';
import { TimestreamReader } from './reader';
import { defaultMagneticStoreRetentionDays, oldestWritableTime } from './retention';
import type { RetryPolicy } from './retry';
import { TimestreamWriter } from './writer';

export interface TimestreamTelemetryOptions {
  database: string;
  table: string;
  /** Needed to write (the processor); create it with `maxAttempts: 1`, the writer owns retries. */
  writeClient?: TimestreamWriteClient;
  /** Needed to read (the API). */
  queryClient?: TimestreamQueryClient;
  /**
   * The table's magnetic store retention in days (magnetic-store writes are on): older records are
   * refused (default: the non-production retention, 30 days).
   */
  magneticStoreRetentionDays?: number;
  retry?: Partial<RetryPolicy>;
  latestLookbackMs?: number;
  clock?: () => number;
}

/**
 * The telemetry store on Amazon Timestream for LiveAnalytics. Each entry
 * passes only the client its side needs.
 */
export class TimestreamTelemetryStore implements TelemetryStore {
  private readonly writer?: TimestreamWriter;
  private readonly reader?: TimestreamReader;

  constructor(private readonly options: TimestreamTelemetryOptions) {
    const { database, table } = options;
    if (options.writeClient) {
      this.writer = new TimestreamWriter({
        client: options.writeClient,
        database,
        table,
        ...(options.retry ? { retry: options.retry } : {}),
      });
    }
    if (options.queryClient) {
      this.reader = new TimestreamReader({
        client: options.queryClient,
        database,
        table,
        ...(options.latestLookbackMs !== undefined ? { latestLookbackMs: options.latestLookbackMs } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      });
    }
  }

  oldestWritable(now: number): number {
    return oldestWritableTime(
      now,
      this.options.magneticStoreRetentionDays ?? defaultMagneticStoreRetentionDays(false),
    );
  }

  write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    if (!this.writer) throw new Error('TimestreamTelemetryStore was built without a write client');
    return this.writer.write(records);
  }

  latest(deviceId: string, sensors?: readonly string[]): Promise<Reading[]> {
    if (!this.reader) throw new Error('TimestreamTelemetryStore was built without a query client');
    return this.reader.latest(deviceId, sensors);
  }

  scan(query: ScanQuery): AsyncIterable<Reading[]> {
    if (!this.reader) throw new Error('TimestreamTelemetryStore was built without a query client');
    return this.reader.scan(query);
  }

  range(query: RangeQuery): Promise<Page<ReadingPoint>> {
    if (!this.reader) throw new Error('TimestreamTelemetryStore was built without a query client');
    return this.reader.range(query);
  }

  records(query: RecordQuery): Promise<Page<TelemetryRecord>> {
    if (!this.reader) throw new Error('TimestreamTelemetryStore was built without a query client');
    return this.reader.records(query);
  }
}
