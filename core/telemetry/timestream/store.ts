import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { TelemetryStore } from '../port';
import type {
  Page,
  RangeQuery,
  Reading,
  ReadingPoint,
  RecordQuery,
  TelemetryRecord,
  WriteResult,
} from '../types';
import { TimestreamReader } from './reader';
import type { RetryPolicy } from './retry';
import { TimestreamWriter } from './writer';

export interface TimestreamTelemetryOptions {
  database: string;
  table: string;
  /** Needed to write (the processor); create it with `maxAttempts: 1`, the writer owns retries. */
  writeClient?: TimestreamWriteClient;
  /** Needed to read (the API). */
  queryClient?: TimestreamQueryClient;
  /** The table's memory store retention in ms: older records are refused (default 24 h). */
  memoryStoreRetentionMs?: number;
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
    return now - (this.options.memoryStoreRetentionMs ?? 24 * 3_600_000);
  }

  write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    if (!this.writer) throw new Error('TimestreamTelemetryStore was built without a write client');
    return this.writer.write(records);
  }

  latest(deviceId: string, sensors?: readonly string[]): Promise<Reading[]> {
    if (!this.reader) throw new Error('TimestreamTelemetryStore was built without a query client');
    return this.reader.latest(deviceId, sensors);
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
