import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TelemetryStore } from '../port';
import { TimestreamReader } from './reader';
import { defaultMagneticStoreRetentionDays, oldestWritableTime } from './retention';

export interface TimestreamTelemetryOptions {
  database: string;
  table: string;
  /**
   * Needed to write: a TimestreamWriter on the same database and table (the
   * processor), or one that is loaded on first use (the API, which writes only
   * for a replay or a recalibration). Not built here, so that a reader's
   * bundle need not hold the write client.
   */
  writer?: Pick<TelemetryStore, 'write'>;
  /** Needed to read (the API). */
  queryClient?: TimestreamQueryClient;
  /**
   * The table's magnetic store retention in days (magnetic-store writes are on): older records are
   * refused (default: the non-production retention, 30 days).
   */
  magneticStoreRetentionDays?: number;
  latestLookbackMs?: number;
  clock?: () => number;
}

/**
 * The telemetry store on Amazon Timestream for LiveAnalytics. Each entry
 * passes only the client its side needs.
 */
export class TimestreamTelemetryStore implements TelemetryStore {
  private readonly reader?: TimestreamReader;

  constructor(private readonly options: TimestreamTelemetryOptions) {
    const { database, table } = options;
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

  // Each operation is the port's, handed to the side that does it.
  readonly write: TelemetryStore['write'] = (records) => this.writeSide().write(records);
  readonly latest: TelemetryStore['latest'] = (deviceId, sensors) =>
    this.readSide().latest(deviceId, sensors);
  readonly scan: TelemetryStore['scan'] = (query) => this.readSide().scan(query);
  readonly range: TelemetryStore['range'] = (query) => this.readSide().range(query);
  readonly records: TelemetryStore['records'] = (query) => this.readSide().records(query);

  private writeSide(): Pick<TelemetryStore, 'write'> {
    if (!this.options.writer) throw new Error('TimestreamTelemetryStore was built without a writer');
    return this.options.writer;
  }

  private readSide(): TimestreamReader {
    if (!this.reader) throw new Error('TimestreamTelemetryStore was built without a query client');
    return this.reader;
  }
}
