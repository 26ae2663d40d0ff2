import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBInstance,
  INTEGER,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { ServiceUnavailableError } from '../shared/errors';
import type { TelemetryStore } from './port';
import { rangeCursorAfter, rangeCursorToken } from './range-token';
import { defaultMagneticStoreRetentionDays, oldestWritableTime } from './timestream/retention';
import type {
  Page,
  RangeQuery,
  Reading,
  ReadingPoint,
  ScanQuery,
  TelemetryRecord,
  WriteResult,
} from './types';

export interface DuckDbTelemetryOptions {
  /** A file path (the local mode keeps `.local/telemetry.duckdb`) or `:memory:` (tests). */
  path: string;
  /**
   * How far back a write may go, in days. Default: what Timestream accepts in a non-production stage
   * (its magnetic store retention), so a late reading meets the same window locally as in AWS.
   */
  maxAgeDays?: number;
}

/**
 * The column types of one row, bound explicitly: left to itself the driver
 * binds an integral JS number as BIGINT, so a raw of 1e19 (a valid double)
 * failed the whole batch with "out of int64 range".
 */
const ROW_TYPES: DuckDBType[] = [VARCHAR, VARCHAR, BIGINT, DOUBLE, DOUBLE, VARCHAR, BOOLEAN, INTEGER];

/** Rows per INSERT statement: 8 parameters each stays well inside DuckDB's limits and keeps statements few. */
const ROWS_PER_STATEMENT = 500;

/** Rows per page of a scan (the export): bounded memory whatever the range. */
const SCAN_PAGE_ROWS = 5_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  device_id VARCHAR NOT NULL,
  sensor VARCHAR NOT NULL,
  time BIGINT NOT NULL,
  value DOUBLE NOT NULL,
  raw DOUBLE NOT NULL,
  unit VARCHAR,
  out_of_range BOOLEAN NOT NULL,
  config_version INTEGER NOT NULL,
  PRIMARY KEY (device_id, sensor, time)
)`;

/**
 * The telemetry store on embedded DuckDB: one narrow row per reading keyed by
 * (device, sensor, time), written with INSERT OR REPLACE so a redelivered
 * message is an upsert. Plain SQL; no server, survives restarts when given a
 * file.
 */
export class DuckDbTelemetryStore implements TelemetryStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly maxAgeDays: number,
  ) {}

  /** Opens (and creates when missing) the store at `options.path`. */
  static async open(options: DuckDbTelemetryOptions): Promise<DuckDbTelemetryStore> {
    const instance = await DuckDBInstance.create(options.path);
    const connection = await instance.connect();
    await connection.run(SCHEMA);
    return new DuckDbTelemetryStore(
      instance,
      connection,
      options.maxAgeDays ?? defaultMagneticStoreRetentionDays(false),
    );
  }

  oldestWritable(now: number): number {
    return oldestWritableTime(now, this.maxAgeDays);
  }

  async write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    // One row per (device, sensor, time); within a batch the last message wins, as a later statement would.
    // Every record that wrote a row is kept with it: if the row is not stored, none of them is
    // (a message redelivered within its own batch must not be acknowledged on its twin's behalf).
    const rows = new Map<string, { indexes: number[]; values: DuckDBValue[] }>();
    records.forEach((record, index) => {
      for (const r of record.readings) {
        const key = `${record.deviceId}\u0000${r.sensor}\u0000${record.time}`;
        const indexes = rows.get(key)?.indexes ?? [];
        if (indexes.at(-1) !== index) indexes.push(index);
        rows.set(key, {
          indexes,
          values: [
            record.deviceId,
            r.sensor,
            record.time,
            r.value,
            r.raw,
            r.unit,
            r.outOfRange,
            record.configVersion,
          ],
        });
      }
    });
    const all = [...rows.values()];
    const failed = new Set<number>();
    let lastError: unknown;
    for (let start = 0; start < all.length; start += ROWS_PER_STATEMENT) {
      const chunk = all.slice(start, start + ROWS_PER_STATEMENT);
      const placeholders = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      try {
        await this.serial(() =>
          this.connection.run(
            `INSERT OR REPLACE INTO readings (device_id, sensor, time, value, raw, unit, out_of_range, config_version) VALUES ${placeholders}`,
            chunk.flatMap((row) => row.values),
            chunk.flatMap(() => ROW_TYPES),
          ),
        );
      } catch (err) {
        lastError = err;
        for (const row of chunk) for (const index of row.indexes) failed.add(index);
      }
    }
    const reason =
      lastError instanceof Error ? `local store: ${lastError.message}` : 'local store write failed';
    return {
      failures: [...failed].sort((a, b) => a - b).map((index) => ({ index, reason, retryable: true })),
    };
  }

  async latest(deviceId: string, sensors?: readonly string[]): Promise<Reading[]> {
    const filter =
      sensors && sensors.length > 0 ? `AND sensor IN (${sensors.map(() => '?').join(', ')})` : '';
    const rows = await this.read(
      `SELECT sensor, time, value, raw, unit, out_of_range, config_version FROM readings
       WHERE device_id = ? ${filter}
       QUALIFY row_number() OVER (PARTITION BY sensor ORDER BY time DESC) = 1
       ORDER BY sensor`,
      [deviceId, ...(sensors ?? [])],
    );
    return rows.map((row) => ({
      deviceId,
      sensor: String(row.sensor),
      time: new Date(Number(row.time)).toISOString(),
      value: Number(row.value),
      raw: Number(row.raw),
      unit: row.unit === null ? null : String(row.unit),
      outOfRange: Boolean(row.out_of_range),
      configVersion: Number(row.config_version),
    }));
  }

  async range(query: RangeQuery): Promise<Page<ReadingPoint>> {
    const after = rangeCursorAfter(query.nextToken);
    const params: DuckDBValue[] = [query.deviceId, query.sensor, query.from, query.to];
    let sql: string;
    if (query.intervalMs === undefined) {
      sql = `SELECT time, value, raw, out_of_range FROM readings
             WHERE device_id = ? AND sensor = ? AND time >= ? AND time < ? ${after !== undefined ? 'AND time > ?' : ''}
             ORDER BY time LIMIT ?`;
    } else {
      // Buckets aligned to the epoch, as Timestream's bin() aligns them.
      sql = `SELECT (time // ?) * ? AS bucket, avg(value) AS avg, min(value) AS min, max(value) AS max, count(*) AS count
             FROM readings
             WHERE device_id = ? AND sensor = ? AND time >= ? AND time < ? ${after !== undefined ? 'AND time >= ?' : ''}
             GROUP BY bucket ORDER BY bucket LIMIT ?`;
      params.unshift(query.intervalMs, query.intervalMs);
    }
    // The next page of buckets starts at the bucket after the last one returned.
    if (after !== undefined) params.push(query.intervalMs === undefined ? after : after + query.intervalMs);
    params.push(query.limit + 1);
    const rows = await this.read(sql, params);
    const page = rows.slice(0, query.limit);
    const items: ReadingPoint[] = page.map((row) =>
      query.intervalMs === undefined
        ? point(Number(row.time), {
            value: Number(row.value),
            raw: Number(row.raw),
            outOfRange: Boolean(row.out_of_range),
          })
        : point(Number(row.bucket), {
            avg: Number(row.avg),
            min: Number(row.min),
            max: Number(row.max),
            count: Number(row.count),
          }),
    );
    const last = page[page.length - 1];
    const lastTime =
      last === undefined ? undefined : Number(query.intervalMs === undefined ? last.time : last.bucket);
    return {
      items,
      nextToken: rows.length > query.limit && lastTime !== undefined ? rangeCursorToken(lastTime) : null,
    };
  }

  async *scan(query: ScanQuery): AsyncIterable<Reading[]> {
    if (query.sensors.length === 0) return;
    const placeholders = query.sensors.map(() => '?').join(', ');
    // Keyset pages on (time, sensor): each page is one bounded statement, the next starts after its last row.
    let after: { time: number; sensor: string } | undefined;
    for (;;) {
      const rows = await this.read(
        `SELECT sensor, time, value, raw, unit, out_of_range, config_version FROM readings
         WHERE device_id = ? AND sensor IN (${placeholders}) AND time >= ? AND time < ?
         ${after ? 'AND (time > ? OR (time = ? AND sensor > ?))' : ''}
         ORDER BY time, sensor LIMIT ${SCAN_PAGE_ROWS}`,
        [
          query.deviceId,
          ...query.sensors,
          query.from,
          query.to,
          ...(after ? [after.time, after.time, after.sensor] : []),
        ],
      );
      if (rows.length === 0) return;
      yield rows.map((row) => ({
        deviceId: query.deviceId,
        sensor: String(row.sensor),
        time: new Date(Number(row.time)).toISOString(),
        value: Number(row.value),
        raw: Number(row.raw),
        unit: row.unit === null ? null : String(row.unit),
        outOfRange: Boolean(row.out_of_range),
        configVersion: Number(row.config_version),
      }));
      if (rows.length < SCAN_PAGE_ROWS) return;
      const last = rows[rows.length - 1]!;
      after = { time: Number(last.time), sensor: String(last.sensor) };
    }
  }

  /** Closes the database; the store is unusable afterwards. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async read(sql: string, params: DuckDBValue[]): Promise<Record<string, unknown>[]> {
    try {
      const reader = await this.serial(() => this.connection.runAndReadAll(sql, params));
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    } catch (cause) {
      throw new ServiceUnavailableError('The telemetry store could not answer; try again.', { cause });
    }
  }

  /** One statement at a time on the connection: writes from the batcher and API reads interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function point(time: number, fields: Partial<ReadingPoint>): ReadingPoint {
  return {
    time: new Date(time).toISOString(),
    value: null,
    raw: null,
    outOfRange: null,
    avg: null,
    min: null,
    max: null,
    count: null,
    ...fields,
  };
}
