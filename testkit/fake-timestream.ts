import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import {
  QueryCommand,
  TimestreamQueryClient,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScalarType,
} from '@aws-sdk/client-timestream-query';
import {
  RejectedRecordsException,
  TimestreamWriteClient,
  WriteRecordsCommand,
  type RejectedRecord,
  type WriteRecordsCommandInput,
  type _Record,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import {
  TimestreamTelemetryStore,
  TimestreamWriter,
  type TimestreamTelemetryOptions,
} from '../core/telemetry';

/**
 * A stand-in for Timestream behind aws-sdk-client-mock, so the Timestream
 * adapter can run the shared telemetry contract: WriteRecords is applied to a
 * wide DuckDB table with Timestream's upsert rules (same values accepted,
 * different values only with a higher Version), and the adapter's SQL is run
 * on DuckDB after translating the few Timestream-only functions. Answers are
 * shaped like Timestream's (ColumnInfo, Rows of ScalarValue/NullValue) and
 * split into pages of `pageSize` rows with NextToken, so paging is exercised.
 */
export class FakeTimestream {
  private readonly columns = new Map<string, string>();
  private readonly pending = new Map<string, QueryCommandOutput[]>();
  private tokens = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
    private readonly tableRef: string,
    private readonly pageSize: number,
  ) {}

  static async open(database: string, table: string, pageSize = 2): Promise<FakeTimestream> {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    await db.run(`CREATE TABLE ts (device_id VARCHAR, measure_name VARCHAR, time TIMESTAMP, version BIGINT)`);
    return new FakeTimestream(instance, db, `"${database}"."${table}"`, pageSize);
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }

  async writeRecords(input: WriteRecordsCommandInput): Promise<Record<string, never>> {
    const common = input.CommonAttributes ?? {};
    const rejected: RejectedRecord[] = [];
    for (const [index, rec] of (input.Records ?? []).entries()) {
      const reason = await this.apply(common, rec);
      if (reason) rejected.push({ RecordIndex: index, ...reason });
    }
    if (rejected.length > 0) {
      throw new RejectedRecordsException({
        message: 'One or more records have been rejected.',
        $metadata: {},
        RejectedRecords: rejected,
      });
    }
    return {};
  }

  private async apply(
    common: _Record,
    rec: _Record,
  ): Promise<{ Reason: string; ExistingVersion?: number } | undefined> {
    const dims = [...(common.Dimensions ?? []), ...(rec.Dimensions ?? [])];
    const device = dims.find((d) => d.Name === 'device_id')?.Value ?? '';
    const measureName = rec.MeasureName ?? common.MeasureName ?? '';
    const time = Number(rec.Time ?? common.Time);
    const version = rec.Version ?? 1;
    const values = rec.MeasureValues ?? [];
    for (const m of values) {
      if (!this.columns.has(m.Name!)) {
        const type =
          m.Type === 'BOOLEAN'
            ? 'BOOLEAN'
            : m.Type === 'VARCHAR'
              ? 'VARCHAR'
              : m.Type === 'BIGINT'
                ? 'BIGINT'
                : 'DOUBLE';
        await this.db.run(`ALTER TABLE ts ADD COLUMN "${m.Name}" ${type}`);
        this.columns.set(m.Name!, type);
      }
    }
    const key: DuckDBValue[] = [device, measureName, time];
    const existing = (
      await this.db.runAndReadAll(
        `SELECT * FROM ts WHERE device_id = ? AND measure_name = ? AND time = epoch_ms(?::BIGINT)`,
        key,
      )
    ).getRowObjectsJS()[0];
    const incoming: Record<string, unknown> = {};
    for (const m of values)
      incoming[m.Name!] =
        m.Type === 'BOOLEAN' ? m.Value === 'true' : m.Type === 'VARCHAR' ? m.Value : Number(m.Value);
    if (existing) {
      const same = [...this.columns.keys()].every((c) => normalise(existing[c]) === normalise(incoming[c]));
      const existingVersion = Number(existing.version);
      if (!same && version <= existingVersion) {
        return {
          Reason:
            'A record with the same dimensions, timestamp and measure name exists with different values.',
          ExistingVersion: existingVersion,
        };
      }
      if (same && version <= existingVersion) return undefined;
      await this.db.run(
        `DELETE FROM ts WHERE device_id = ? AND measure_name = ? AND time = epoch_ms(?::BIGINT)`,
        key,
      );
    }
    const names = Object.keys(incoming);
    await this.db.run(
      `INSERT INTO ts (device_id, measure_name, time, version${names.map((n) => `, "${n}"`).join('')}) VALUES (?, ?, epoch_ms(?::BIGINT), ?${names.map(() => ', ?').join('')})`,
      [device, measureName, time, version, ...names.map((n) => incoming[n] as DuckDBValue)],
    );
    return undefined;
  }

  async query(input: QueryCommandInput): Promise<QueryCommandOutput> {
    if (input.NextToken) {
      const pages = this.pending.get(input.NextToken);
      const page = pages?.shift();
      if (!page) throw new Error('unknown NextToken');
      this.pending.delete(input.NextToken);
      return this.withToken(page, pages!);
    }
    const sql = input.QueryString ?? '';
    if (sql === `DESCRIBE ${this.tableRef}`) {
      const rows = [
        ['device_id', 'varchar', 'DIMENSION'],
        ['measure_name', 'varchar', 'MEASURE_NAME'],
        ['time', 'timestamp', 'TIMESTAMP'],
        ...[...this.columns].map(([name, type]) => [name, type.toLowerCase(), 'MULTI']),
      ];
      return answer(['Column', 'Type', 'Timestream attribute type'], ['VARCHAR', 'VARCHAR', 'VARCHAR'], rows);
    }
    if (!sql.includes(this.tableRef)) throw new Error(`query does not name ${this.tableRef}: ${sql}`);
    if (!/time (>=|>|<|BETWEEN) from_milliseconds/.test(sql))
      throw new Error(`query without a time predicate: ${sql}`);
    const translated = sql
      .split(this.tableRef)
      .join('ts')
      .replace(/from_milliseconds\((\d+)\)/g, 'epoch_ms($1::BIGINT)')
      .replace(/bin\(time, (\d+)s\)/g, "time_bucket(INTERVAL '$1 seconds', time)");
    const reader = await this.db.runAndReadAll(translated);
    const names = reader.columnNames();
    const types = reader.columnTypes().map((t) => scalarType(t.toString()));
    const rows = reader.getRowsJS().map((row) => row.map((v, i) => scalar(v, types[i]!)));
    const pages: QueryCommandOutput[] = [];
    for (let i = 0; i < Math.max(rows.length, 1); i += this.pageSize) {
      pages.push(answer(names, types, rows.slice(i, i + this.pageSize)));
    }
    const first = pages.shift()!;
    return this.withToken(first, pages);
  }

  private withToken(page: QueryCommandOutput, rest: QueryCommandOutput[]): QueryCommandOutput {
    if (rest.length === 0) return page;
    const token = `token-${++this.tokens}`;
    this.pending.set(token, rest);
    return { ...page, NextToken: token };
  }
}

const normalise = (v: unknown): string => (v === undefined || v === null ? 'null' : String(v));

function scalarType(duck: string): ScalarType {
  if (duck === 'DOUBLE' || duck === 'FLOAT' || duck.startsWith('DECIMAL')) return 'DOUBLE';
  if (['BIGINT', 'INTEGER', 'HUGEINT', 'UBIGINT', 'SMALLINT'].includes(duck)) return 'BIGINT';
  if (duck === 'BOOLEAN') return 'BOOLEAN';
  if (duck.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  return 'VARCHAR';
}

function scalar(v: unknown, type: ScalarType): string | null {
  if (v === null || v === undefined) return null;
  if (type === 'TIMESTAMP') {
    const iso = (v instanceof Date ? v : new Date(Number(v))).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000`;
  }
  return String(v);
}

function answer(names: string[], types: ScalarType[], rows: (string | null)[][]): QueryCommandOutput {
  return {
    $metadata: {},
    QueryId: 'fake',
    ColumnInfo: names.map((Name, i) => ({ Name, Type: { ScalarType: types[i] } })),
    Rows: rows.map((r) => ({ Data: r.map((v) => (v === null ? { NullValue: true } : { ScalarValue: v })) })),
  };
}

/** The database and table of the tests' Timestream store. */
export const TEST_TIMESTREAM = { database: 'yvr-test-db', table: 'calibrated_device_data' } as const;

/** What {@link timestreamOnFake} takes besides the fake. */
export interface TimestreamOnFakeOptions {
  /** Answers WriteRecords instead of the fake (`call` counts from 1): resolve for success, throw for an error. */
  write?: (input: WriteRecordsCommandInput, call: number) => unknown;
  /** Answers Query instead of the fake. */
  query?: (input: QueryCommandInput) => QueryCommandOutput | Promise<QueryCommandOutput>;
  /** The SDK clients' attempts per request (the SDK's own retries); the SDK's default when omitted. */
  maxAttempts?: number;
  /** Further store options (clock, magneticStoreRetentionDays, retry). */
  store?: Partial<TimestreamTelemetryOptions>;
}

/**
 * The Timestream adapter on its real SDK clients, their sends answered in
 * process by aws-sdk-client-mock on these two client instances only: Query
 * and WriteRecords from `fake` (a function: the fake asked at each request)
 * unless `write` or `query` answers. The writer's retries do not sleep.
 * Returns the store and every request sent, in order (copies).
 */
export function timestreamOnFake(
  fake?: FakeTimestream | (() => FakeTimestream),
  options: TimestreamOnFakeOptions = {},
) {
  const current = (): FakeTimestream => {
    const target = typeof fake === 'function' ? fake() : fake;
    if (!target) throw new Error('timestreamOnFake: no fake and no answer given for this request');
    return target;
  };
  const attempts = options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {};
  const writeClient = new TimestreamWriteClient({ region: 'us-west-2', ...attempts });
  const queryClient = new TimestreamQueryClient({ region: 'us-west-2', ...attempts });
  const writes: WriteRecordsCommandInput[] = [];
  const queries: QueryCommandInput[] = [];
  mockClient(writeClient)
    .on(WriteRecordsCommand)
    .callsFake(async (input: WriteRecordsCommandInput) => {
      writes.push(structuredClone(input));
      return options.write ? options.write(input, writes.length) : current().writeRecords(input);
    });
  mockClient(queryClient)
    .on(QueryCommand)
    .callsFake(async (input: QueryCommandInput) => {
      queries.push(structuredClone(input));
      return options.query ? options.query(input) : current().query(input);
    });
  const store = new TimestreamTelemetryStore({
    ...TEST_TIMESTREAM,
    writer: new TimestreamWriter({
      ...TEST_TIMESTREAM,
      client: writeClient,
      retry: { sleep: async () => undefined },
    }),
    queryClient,
    ...options.store,
  });
  return { store, writes, queries };
}
