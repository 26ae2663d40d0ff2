import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBInstance,
  INTEGER,
  TINYINT,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { ServiceUnavailableError } from '../shared/errors';
import type { TelemetryStore } from './port';
import { rangeCursorAfter, rangeCursorToken } from './range-token';
import { bucketBound, calibratedReading, splitTests, sqlRangePage } from './read-shapes';
import { QC_TESTS_SEPARATOR } from './timestream/layout';
import { defaultMagneticStoreRetentionDays, oldestWritableTime } from './timestream/retention';
import {
  UNFLAGGED,
  type Page,
  type RangeQuery,
  type Reading,
  type ReadingPoint,
  type RecordQuery,
  type ScanQuery,
  type TelemetryRecord,
  type WriteResult,
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
 * failed the whole batch with "out of int64 range". In the order of the
 * INSERT's columns, qc_flag and qc_tests last.
 */
const ROW_TYPES: DuckDBType[] = [
  VARCHAR,
  VARCHAR,
  BIGINT,
  DOUBLE,
  DOUBLE,
  VARCHAR,
  BOOLEAN,
  INTEGER,
  TINYINT,
  VARCHAR,
];

/** Rows per INSERT statement: 10 parameters each stays well inside DuckDB's limits and keeps statements few. */
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
  qc_flag TINYINT,
  qc_tests VARCHAR,
  PRIMARY KEY (device_id, sensor, time)
)`;

/** Files written before quality control existed get its columns (NULL reads as flag 2). */
const MIGRATIONS = [
  'ALTER TABLE readings ADD COLUMN IF NOT EXISTS qc_flag TINYINT',
  'ALTER TABLE readings ADD COLUMN IF NOT EXISTS qc_tests VARCHAR',
];

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
    for (const statement of MIGRATIONS) await connection.run(statement);
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
            r.configVersion ?? record.configVersion,
            r.qcFlag ?? null,
            r.qcTests && r.qcTests.length > 0 ? r.qcTests.join(QC_TESTS_SEPARATOR) : null,
          ],
        });
      }
    });
    const all = [...rows.values()];
    const failed = new Set<number>();
    let lastError: unknown;
    for (let start = 0; start < all.length; start += ROWS_PER_STATEMENT) {
      const chunk = all.slice(start, start + ROWS_PER_STATEMENT);
      const placeholders = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      try {
        await this.serial(() =>
          this.connection.run(
            `INSERT OR REPLACE INTO readings (device_id, sensor, time, value, raw, unit, out_of_range, config_version, qc_flag, qc_tests) VALUES ${placeholders}`,
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
      `SELECT sensor, time, value, raw, unit, out_of_range, config_version, qc_flag, qc_tests FROM readings
       WHERE device_id = ? ${filter}
       QUALIFY row_number() OVER (PARTITION BY sensor ORDER BY time DESC) = 1
       ORDER BY sensor`,
      [deviceId, ...(sensors ?? [])],
    );
    return rows.map((row) => readingOf(deviceId, row));
  }

  async range(query: RangeQuery): Promise<Page<ReadingPoint>> {
    const after = rangeCursorAfter(query.nextToken);
    const params: DuckDBValue[] = [query.deviceId, query.sensor, query.from, query.to];
    const flag = `coalesce(qc_flag, ${UNFLAGGED})`;
    let sql: string;
    if (query.intervalMs === undefined) {
      const quality = query.minQuality !== undefined ? `AND ${flag} <= ?` : '';
      if (query.minQuality !== undefined) params.push(query.minQuality);
      sql = `SELECT time, value, raw, out_of_range, ${flag} AS qc_flag, qc_tests FROM readings
             WHERE device_id = ? AND sensor = ? AND time >= ? AND time < ? ${quality} ${after !== undefined ? 'AND time > ?' : ''}
             ORDER BY time LIMIT ?`;
    } else {
      // Buckets aligned to the epoch, as Timestream's bin() aligns them; they count only the values
      // good enough and say how many they left out.
      const kept = `CASE WHEN ${flag} <= ? THEN value END`;
      sql = `SELECT (time // ?) * ? AS bucket, avg(${kept}) AS avg, min(${kept}) AS min, max(${kept}) AS max,
                    count(${kept}) AS count, count(*) - count(${kept}) AS excluded
             FROM readings
             WHERE device_id = ? AND sensor = ? AND time >= ? AND time < ? ${after !== undefined ? 'AND time >= ?' : ''}
             GROUP BY bucket ORDER BY bucket LIMIT ?`;
      const bound = bucketBound(query);
      params.unshift(query.intervalMs, query.intervalMs, bound, bound, bound, bound, bound);
    }
    // The next page of buckets starts at the bucket after the last one returned.
    if (after !== undefined) params.push(query.intervalMs === undefined ? after : after + query.intervalMs);
    params.push(query.limit + 1);
    return sqlRangePage(await this.read(sql, params), query);
  }

  async *scan(query: ScanQuery): AsyncIterable<Reading[]> {
    if (query.sensors.length === 0) return;
    const placeholders = query.sensors.map(() => '?').join(', ');
    // Keyset pages on (time, sensor): each page is one bounded statement, the next starts after its last row.
    let after: { time: number; sensor: string } | undefined;
    for (;;) {
      const rows = await this.read(
        `SELECT sensor, time, value, raw, unit, out_of_range, config_version, qc_flag, qc_tests FROM readings
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
      yield rows.map((row) => readingOf(query.deviceId, row));
      if (rows.length < SCAN_PAGE_ROWS) return;
      const last = rows[rows.length - 1]!;
      after = { time: Number(last.time), sensor: String(last.sensor) };
    }
  }

  async records(query: RecordQuery): Promise<Page<TelemetryRecord>> {
    const after = rangeCursorAfter(query.nextToken);
    // The page's times come from the sensor's own rows; every sensor's row at those times makes the record.
    const times = await this.read(
      `SELECT time, config_version FROM readings
       WHERE device_id = ? AND sensor = ? AND time >= ? AND time < ? ${after !== undefined ? 'AND time > ?' : ''}
       ORDER BY time LIMIT ?`,
      [
        query.deviceId,
        query.sensor,
        query.from,
        query.to,
        ...(after !== undefined ? [after] : []),
        query.limit + 1,
      ],
    );
    const page = times.slice(0, query.limit);
    if (page.length === 0) return { items: [], nextToken: null };
    const first = Number(page[0]!.time);
    const last = Number(page[page.length - 1]!.time);
    const rows = await this.read(
      `SELECT sensor, time, value, raw, unit, out_of_range, config_version, qc_flag, qc_tests FROM readings
       WHERE device_id = ? AND time >= ? AND time <= ? ORDER BY time, sensor`,
      [query.deviceId, first, last],
    );
    const byTime = new Map<number, TelemetryRecord>();
    for (const t of page) {
      byTime.set(Number(t.time), {
        deviceId: query.deviceId,
        time: Number(t.time),
        configVersion: Number(t.config_version),
        source: 'device',
        readings: [],
      });
    }
    for (const row of rows) {
      const record = byTime.get(Number(row.time));
      if (!record) continue;
      const tested = row.qc_flag !== null;
      const version = Number(row.config_version);
      record.readings.push(
        calibratedReading(
          {
            sensor: String(row.sensor),
            raw: Number(row.raw),
            value: Number(row.value),
            unit: row.unit === null ? null : String(row.unit),
            outOfRange: Boolean(row.out_of_range),
          },
          {
            qcFlag: tested ? Number(row.qc_flag) : null,
            qcTests: tested ? splitTests(row.qc_tests) : null,
            // Its own version only when a recalibration of this one sensor wrote it.
            configVersion: version !== record.configVersion ? version : null,
          },
        ),
      );
    }
    return {
      items: [...byTime.values()],
      nextToken: times.length > query.limit ? rangeCursorToken(last) : null,
    };
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

/** A row of the reading columns as the port's Reading (a row stored before quality control reads as unflagged). */
function readingOf(deviceId: string, row: Record<string, unknown>): Reading {
  return {
    deviceId,
    sensor: String(row.sensor),
    time: new Date(Number(row.time)).toISOString(),
    value: Number(row.value),
    raw: Number(row.raw),
    unit: row.unit === null ? null : String(row.unit),
    outOfRange: Boolean(row.out_of_range),
    configVersion: Number(row.config_version),
    qcFlag: row.qc_flag === null ? UNFLAGGED : Number(row.qc_flag),
    qcTests: splitTests(row.qc_tests),
  };
}
