import { QueryCommand, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { ServiceUnavailableError } from '../../shared/errors';
import { intervalLiteral } from '../interval';
import { rangeCursorAfter } from '../range-token';
import {
  bucketBound,
  calibratedReading,
  nullableNumber as num,
  rangePage,
  splitTests,
  sqlRangePage,
} from '../read-shapes';
import {
  UNFLAGGED,
  type Page,
  type RangeQuery,
  type Reading,
  type ReadingPoint,
  type RecordQuery,
  type ScanQuery,
  type TelemetryRecord,
} from '../types';
import {
  CONFIG_VERSION_COLUMN,
  DEVICE_DIMENSION,
  DEVICE_MEASURE_NAME,
  QC_RAN_COLUMN,
  SENSOR_COLUMN,
  legacyMeasureName,
  outOfRangeColumn,
  qcFlagColumn,
  qcTestsColumn,
  rawColumn,
  sensorVersionColumn,
  unitColumn,
  valueColumn,
} from './layout';
import { identifier, msLiteral, parseRows, stringLiteral, tableRef, type ParsedRow } from './sql';

export interface TimestreamReaderOptions {
  client: TimestreamQueryClient;
  database: string;
  table: string;
  /** How far back `latest` looks (default 30 days): every query carries a time predicate. */
  latestLookbackMs?: number;
  /** How long the table's column list is trusted (default 5 minutes). */
  columnsTtlMs?: number;
  clock?: () => number;
}

/**
 * The time window of one scan query: a month of one station is ~4,500 rows (10-minute messages), a
 * few MB held while it is unpivoted, and a year is 12 queries (each Timestream query takes
 * hundreds of ms, and the export must fit in AppSync's 30 s).
 */
const SCAN_WINDOW_MS = 31 * 86_400_000;
/** Pages of one query followed before giving up: Timestream may return empty pages while it works. */
const MAX_QUERY_PAGES = 200;

/**
 * The read side on Timestream Query. Each query names the device, a time
 * range and the measure names it needs, so Timestream prunes by time and
 * measure before it scans; buckets are `bin()`.
 */
export class TimestreamReader {
  private columns?: { names: Set<string>; at: number };

  constructor(private readonly options: TimestreamReaderOptions) {}

  private get table(): string {
    return tableRef(this.options.database, this.options.table);
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /**
   * Builds the query text of a range read; exported through the class for
   * tests. `columns` names the table's columns: a QC column no record has
   * written yet does not exist, and is read as NULL.
   */
  rangeSql(query: RangeQuery, after: number | undefined, columns?: ReadonlySet<string>): string {
    const s = query.sensor;
    const value = identifier(valueColumn(s));
    const optional = (name: string, type: string) =>
      !columns || columns.has(name) ? identifier(name) : `CAST(NULL AS ${type})`;
    const flag = flagExpression(s, optional);
    const where = [
      `${DEVICE_DIMENSION} = ${stringLiteral(query.deviceId)}`,
      `measure_name IN ('${DEVICE_MEASURE_NAME}', ${stringLiteral(legacyMeasureName(s))})`,
      `time >= ${msLiteral(query.from)}`,
      `time < ${msLiteral(query.to)}`,
      `${value} IS NOT NULL`,
    ];
    if (query.intervalMs === undefined) {
      if (after !== undefined) where.push(`time > ${msLiteral(after)}`);
      if (query.minQuality !== undefined) where.push(`${flag} <= ${qualityLiteral(query.minQuality)}`);
      return (
        `SELECT time, ${value} AS value, ${identifier(rawColumn(s))} AS raw, ${identifier(outOfRangeColumn(s))} AS out_of_range, ` +
        `${flag} AS qc_flag, ${optional(qcTestsColumn(s), 'VARCHAR')} AS qc_tests ` +
        `FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY time ASC LIMIT ${query.limit + 1}`
      );
    }
    const bin = `bin(time, ${intervalLiteral(query.intervalMs)})`;
    if (after !== undefined) where.push(`time >= ${msLiteral(after + query.intervalMs)}`);
    // Buckets count only the values good enough, and say how many they left out.
    const kept = `CASE WHEN ${flag} <= ${qualityLiteral(bucketBound(query))} THEN ${value} END`;
    return (
      `SELECT ${bin} AS bucket, avg(${kept}) AS avg, min(${kept}) AS min, max(${kept}) AS max, count(${kept}) AS count, ` +
      `count(${value}) - count(${kept}) AS excluded ` +
      `FROM ${this.table} WHERE ${where.join(' AND ')} GROUP BY ${bin} ORDER BY bucket ASC LIMIT ${query.limit + 1}`
    );
  }

  async range(query: RangeQuery): Promise<Page<ReadingPoint>> {
    if (!SENSOR_COLUMN.test(query.sensor)) return { items: [], nextToken: null };
    const after = rangeCursorAfter(query.nextToken);
    // A sensor that never reported has no column; Timestream would fail the query.
    const columns = await this.columnNames();
    if (!columns.has(valueColumn(query.sensor))) return { items: [], nextToken: null };
    return sqlRangePage(await this.query(this.rangeSql(query, after, columns)), query);
  }

  /** Query text of `latest` for the sensors that have columns; exported through the class for tests. */
  latestSql(deviceId: string, sensors: readonly string[], columns: ReadonlySet<string>): string | undefined {
    const since = this.now() - (this.options.latestLookbackMs ?? 30 * 86_400_000);
    const parts = sensors
      .filter((s) => SENSOR_COLUMN.test(s) && columns.has(valueColumn(s)))
      .map((s) => {
        const col = (name: string, type: string) =>
          columns.has(name) ? identifier(name) : `CAST(NULL AS ${type})`;
        return (
          `(SELECT ${stringLiteral(s)} AS sensor, time, ${identifier(valueColumn(s))} AS value, ` +
          `${col(rawColumn(s), 'DOUBLE')} AS raw, ${col(outOfRangeColumn(s), 'BOOLEAN')} AS out_of_range, ` +
          `${col(unitColumn(s), 'VARCHAR')} AS unit, ` +
          `coalesce(${col(sensorVersionColumn(s), 'BIGINT')}, ${col(CONFIG_VERSION_COLUMN, 'BIGINT')}) AS config_version, ` +
          `${flagExpression(s, col)} AS qc_flag, ${col(qcTestsColumn(s), 'VARCHAR')} AS qc_tests ` +
          `FROM ${this.table} WHERE ${DEVICE_DIMENSION} = ${stringLiteral(deviceId)} ` +
          `AND measure_name IN ('${DEVICE_MEASURE_NAME}', ${stringLiteral(legacyMeasureName(s))}) ` +
          `AND time >= ${msLiteral(since)} AND ${identifier(valueColumn(s))} IS NOT NULL ORDER BY time DESC LIMIT 1)`
        );
      });
    return parts.length > 0 ? parts.join(' UNION ALL ') : undefined;
  }

  /**
   * Newest reading per sensor. Without a sensor list, the sensors are every
   * column pair (`s`, `s_raw`) the table has.
   */
  async latest(deviceId: string, sensors?: readonly string[]): Promise<Reading[]> {
    const columns = await this.columnNames();
    const wanted =
      sensors ?? [...columns].filter((c) => c.endsWith('_raw')).map((c) => c.slice(0, -'_raw'.length));
    const sql = this.latestSql(deviceId, wanted, columns);
    if (!sql) return [];
    const rows = await this.query(sql);
    return rows
      .map((row) => ({
        deviceId,
        sensor: String(row.sensor),
        time: iso(row.time),
        value: num(row.value) ?? 0,
        raw: num(row.raw) ?? 0,
        unit: row.unit === null ? null : String(row.unit),
        outOfRange: row.out_of_range === true,
        configVersion: num(row.config_version),
        qcFlag: num(row.qc_flag) ?? UNFLAGGED,
        qcTests: splitTests(row.qc_tests),
      }))
      .sort((a, b) => a.sensor.localeCompare(b.sensor));
  }

  /**
   * Every reading of the sensors in [from, to), one month per query: a query is
   * read to its end before it is unpivoted, so a month bounds what is held.
   */
  async *scan(query: ScanQuery): AsyncIterable<Reading[]> {
    const columns = await this.columnNames();
    const sensors = [...query.sensors]
      .filter((s) => SENSOR_COLUMN.test(s) && columns.has(valueColumn(s)))
      .sort((a, b) => a.localeCompare(b));
    if (sensors.length === 0) return;
    const col = (name: string, type: string) =>
      columns.has(name) ? identifier(name) : `CAST(NULL AS ${type})`;
    const select = sensors
      .map(
        (s, i) =>
          `${identifier(valueColumn(s))} AS v${i}, ${col(rawColumn(s), 'DOUBLE')} AS r${i}, ` +
          `${col(outOfRangeColumn(s), 'BOOLEAN')} AS o${i}, ${col(unitColumn(s), 'VARCHAR')} AS u${i}, ` +
          `${col(sensorVersionColumn(s), 'BIGINT')} AS c${i}, ${flagExpression(s, col)} AS q${i}, ` +
          `${col(qcTestsColumn(s), 'VARCHAR')} AS t${i}`,
      )
      .join(', ');
    const names = [`'${DEVICE_MEASURE_NAME}'`, ...sensors.map((s) => stringLiteral(legacyMeasureName(s)))];
    for (let start = query.from; start < query.to; start += SCAN_WINDOW_MS) {
      const end = Math.min(query.to, start + SCAN_WINDOW_MS);
      const rows = await this.query(
        `SELECT time, ${col(CONFIG_VERSION_COLUMN, 'BIGINT')} AS config_version, ${select} FROM ${this.table} ` +
          `WHERE ${DEVICE_DIMENSION} = ${stringLiteral(query.deviceId)} AND measure_name IN (${names.join(', ')}) ` +
          `AND time >= ${msLiteral(start)} AND time < ${msLiteral(end)} ORDER BY time ASC`,
      );
      const readings: Reading[] = [];
      for (const row of rows) {
        sensors.forEach((sensor, i) => {
          const value = num(row[`v${i}`]);
          if (value === null) return;
          const unit = row[`u${i}`];
          readings.push({
            deviceId: query.deviceId,
            sensor,
            time: iso(row.time),
            value,
            raw: num(row[`r${i}`]) ?? 0,
            unit: unit === null || unit === undefined ? null : String(unit),
            outOfRange: row[`o${i}`] === true,
            configVersion: num(row[`c${i}`]) ?? num(row.config_version),
            qcFlag: num(row[`q${i}`]) ?? UNFLAGGED,
            qcTests: splitTests(row[`t${i}`]),
          });
        });
      }
      if (readings.length > 0) yield readings;
    }
  }

  /**
   * Whole records of a device that hold `query.sensor`, oldest first: every
   * sensor column of each row turned back into readings, so a rewrite keeps
   * the other sensors as they are.
   */
  async records(query: RecordQuery): Promise<Page<TelemetryRecord>> {
    if (!SENSOR_COLUMN.test(query.sensor)) return { items: [], nextToken: null };
    // A rewrite must carry every column the record has, so the first page reads the list afresh.
    const columns = await this.columnNames(!query.nextToken);
    if (!columns.has(valueColumn(query.sensor))) return { items: [], nextToken: null };
    const after = rangeCursorAfter(query.nextToken);
    const sensors = [...columns]
      .filter((c) => c.endsWith('_raw') && columns.has(c.slice(0, -'_raw'.length)))
      .map((c) => c.slice(0, -'_raw'.length))
      .filter((sensor) => SENSOR_COLUMN.test(sensor));
    const optional = (name: string) => (columns.has(name) ? [identifier(name)] : []);
    const select = [
      'time',
      'measure_name',
      ...optional(CONFIG_VERSION_COLUMN),
      ...optional(QC_RAN_COLUMN),
      ...sensors.flatMap((sensor) => [
        identifier(valueColumn(sensor)),
        identifier(rawColumn(sensor)),
        ...optional(outOfRangeColumn(sensor)),
        ...optional(unitColumn(sensor)),
        ...optional(qcFlagColumn(sensor)),
        ...optional(qcTestsColumn(sensor)),
        ...optional(sensorVersionColumn(sensor)),
      ]),
    ];
    const where = [
      `${DEVICE_DIMENSION} = ${stringLiteral(query.deviceId)}`,
      `measure_name IN ('${DEVICE_MEASURE_NAME}', ${stringLiteral(legacyMeasureName(query.sensor))})`,
      `time >= ${msLiteral(query.from)}`,
      `time < ${msLiteral(query.to)}`,
      `${identifier(valueColumn(query.sensor))} IS NOT NULL`,
      ...(after !== undefined ? [`time > ${msLiteral(after)}`] : []),
    ];
    const rows = await this.query(
      `SELECT ${select.join(', ')} FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY time ASC LIMIT ${query.limit + 1}`,
    );
    return rangePage(
      rows,
      query.limit,
      (row) => Number(row.time),
      (row): TelemetryRecord => {
        const tested = num(row[QC_RAN_COLUMN]) !== null;
        const readings = sensors.flatMap((sensor) => {
          const value = num(row[valueColumn(sensor)]);
          const raw = num(row[rawColumn(sensor)]);
          if (value === null || raw === null) return [];
          const flag = num(row[qcFlagColumn(sensor)]) ?? (tested ? 1 : null);
          const tests = splitTests(row[qcTestsColumn(sensor)]);
          const unit = row[unitColumn(sensor)];
          return [
            calibratedReading(
              {
                sensor,
                raw,
                value,
                unit: unit == null ? null : String(unit),
                outOfRange: row[outOfRangeColumn(sensor)] === true,
              },
              {
                qcFlag: flag,
                qcTests: flag !== null || tests.length > 0 ? tests : null,
                configVersion: num(row[sensorVersionColumn(sensor)]),
              },
            ),
          ];
        });
        return {
          deviceId: query.deviceId,
          time: Number(row.time),
          configVersion: num(row[CONFIG_VERSION_COLUMN]) ?? 0,
          source: row.measure_name !== DEVICE_MEASURE_NAME ? 'legacy' : 'device',
          readings,
        };
      },
    );
  }

  /** The table's column names, from DESCRIBE, cached for a few minutes. */
  private async columnNames(fresh = false): Promise<Set<string>> {
    const ttl = this.options.columnsTtlMs ?? 300_000;
    if (!fresh && this.columns && this.now() - this.columns.at < ttl) return this.columns.names;
    const rows = await this.query(`DESCRIBE ${this.table}`);
    const names = new Set(rows.map((row) => String(row.Column ?? Object.values(row)[0])));
    this.columns = { names, at: this.now() };
    return names;
  }

  /** Runs a query to the end, following NextToken across pages. */
  private async query(sql: string): Promise<ParsedRow[]> {
    const rows: ParsedRow[] = [];
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < MAX_QUERY_PAGES; page++) {
        const output = await this.options.client.send(
          new QueryCommand({ QueryString: sql, ...(nextToken ? { NextToken: nextToken } : {}) }),
        );
        rows.push(...parseRows(output));
        nextToken = output.NextToken;
        if (!nextToken) return rows;
      }
    } catch (cause) {
      throw new ServiceUnavailableError('The telemetry store could not answer; try again.', { cause });
    }
    throw new ServiceUnavailableError('The telemetry query did not finish; narrow the range and try again.');
  }
}

/** A reading's flag: its own column, else 1 when its record was tested (passes are left out), else 2. */
function flagExpression(sensor: string, column: (name: string, type: string) => string): string {
  return (
    `coalesce(${column(qcFlagColumn(sensor), 'BIGINT')}, ` +
    `CASE WHEN ${column(QC_RAN_COLUMN, 'BIGINT')} IS NULL THEN ${UNFLAGGED} ELSE 1 END)`
  );
}

const qualityLiteral = (n: number): string => {
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new RangeError(`invalid minQuality ${n}`);
  return String(n);
};

const iso = (v: unknown): string => new Date(Number(v)).toISOString();
