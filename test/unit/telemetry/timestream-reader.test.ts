import {
  QueryCommand,
  TimestreamQueryClient,
  type QueryCommandOutput,
} from '@aws-sdk/client-timestream-query';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { TimestreamTelemetryStore } from '../../../core/telemetry';
import { readingPoint } from '../../../core/telemetry/types';
import { parseRows, parseTimestamp, stringLiteral, tableRef } from '../../../core/telemetry/timestream/sql';
import { NOW } from '../../../testkit/telemetry-fixtures';

const qMock = mockClient(TimestreamQueryClient);
const HOUR = 3_600_000;

function store() {
  return new TimestreamTelemetryStore({
    database: 'yvr-test-db',
    table: 'calibrated_device_data',
    queryClient: new TimestreamQueryClient({ region: 'us-west-2' }),
    clock: () => NOW,
  });
}

type Scalar = string | null;
/** A Query answer shaped as Timestream sends it: ColumnInfo, Rows of Data with ScalarValue or NullValue. */
function answer(columns: [string, string][], rows: Scalar[][], nextToken?: string): QueryCommandOutput {
  return {
    $metadata: {},
    QueryId: 'q-1',
    ColumnInfo: columns.map(([Name, ScalarType]) => ({ Name, Type: { ScalarType: ScalarType as 'DOUBLE' } })),
    Rows: rows.map((r) => ({ Data: r.map((v) => (v === null ? { NullValue: true } : { ScalarValue: v })) })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

const DESCRIBE = answer(
  [
    ['Column', 'VARCHAR'],
    ['Type', 'VARCHAR'],
    ['Timestream attribute type', 'VARCHAR'],
  ],
  [
    ['device_id', 'varchar', 'DIMENSION'],
    ['measure_name', 'varchar', 'MEASURE_NAME'],
    ['time', 'timestamp', 'TIMESTAMP'],
    ['ph', 'double', 'MULTI'],
    ['ph_raw', 'double', 'MULTI'],
    ['ph_oor', 'boolean', 'MULTI'],
    ['ph_unit', 'varchar', 'MULTI'],
    ['tmp', 'double', 'MULTI'],
    ['tmp_raw', 'double', 'MULTI'],
    ['tmp_oor', 'boolean', 'MULTI'],
    ['config_version', 'bigint', 'MULTI'],
  ],
);

const queries = () => qMock.commandCalls(QueryCommand).map((c) => c.args[0].input);

/** Answers DESCRIBE with the table's columns and every other query with the next of `answers`. */
function answerQueries(...answers: (QueryCommandOutput | Error)[]): void {
  qMock.on(QueryCommand).callsFake((input: { QueryString?: string }) => {
    if (input.QueryString?.startsWith('DESCRIBE ')) return DESCRIBE;
    const next = answers.length > 1 ? answers.shift() : answers[0];
    if (next instanceof Error) throw next;
    return next;
  });
}

beforeEach(() => {
  qMock.reset();
  answerQueries(answer([], []));
});

describe('Timestream reader', () => {
  it('queries raw points with device, measure names and a time predicate, and parses the rows', async () => {
    answerQueries(
      answer(
        [
          ['time', 'TIMESTAMP'],
          ['value', 'DOUBLE'],
          ['raw', 'DOUBLE'],
          ['out_of_range', 'BOOLEAN'],
        ],
        [
          ['2026-11-26 23:00:00.000000000', '7.1', '412', 'false'],
          ['2026-11-26 23:01:00.000000000', '7.2', '413', null],
        ],
      ),
    );
    const page = await store().range({ deviceId: 'b1', sensor: 'ph', from: NOW - HOUR, to: NOW, limit: 10 });
    expect(queries()[1]?.QueryString).toBe(
      'SELECT time, "ph" AS value, "ph_raw" AS raw, "ph_oor" AS out_of_range, coalesce(CAST(NULL AS BIGINT), CASE WHEN CAST(NULL AS BIGINT) IS NULL THEN 2 ELSE 1 END) AS qc_flag, CAST(NULL AS VARCHAR) AS qc_tests FROM "yvr-test-db"."calibrated_device_data" ' +
        `WHERE device_id = 'b1' AND measure_name IN ('readings', 'legacy_ph') AND time >= from_milliseconds(${NOW - HOUR}) ` +
        `AND time < from_milliseconds(${NOW}) AND "ph" IS NOT NULL ORDER BY time ASC LIMIT 11`,
    );
    expect(page).toEqual({
      // Every other field of a point is null: readingPoint is the one empty point of all stores.
      items: [
        readingPoint('2026-11-26T23:00:00.000Z', {
          value: 7.1,
          raw: 412,
          outOfRange: false,
          qcFlag: 2,
          qcTests: [],
        }),
        readingPoint('2026-11-26T23:01:00.000Z', { value: 7.2, raw: 413, qcFlag: 2, qcTests: [] }),
      ],
      nextToken: null,
    });
  });

  it('buckets with bin() and pages by the last bucket', async () => {
    answerQueries(
      answer(
        [
          ['bucket', 'TIMESTAMP'],
          ['avg', 'DOUBLE'],
          ['min', 'DOUBLE'],
          ['max', 'DOUBLE'],
          ['count', 'BIGINT'],
        ],
        [
          ['2026-11-26 23:00:00.000000000', '7.15', '7.1', '7.2', '5'],
          ['2026-11-26 23:05:00.000000000', '7.3', '7.3', '7.3', '1'],
        ],
      ),
    );
    const query = { deviceId: 'b1', sensor: 'ph', from: NOW - HOUR, to: NOW, intervalMs: 300_000, limit: 1 };
    const page = await store().range(query);
    expect(queries()[1]?.QueryString).toContain(
      'SELECT bin(time, 300s) AS bucket, avg(CASE WHEN coalesce(CAST(NULL AS BIGINT), CASE WHEN CAST(NULL AS BIGINT) IS NULL THEN 2 ELSE 1 END) <= 3 THEN "ph" END) AS avg',
    );
    expect(queries()[1]?.QueryString).toContain('GROUP BY bin(time, 300s) ORDER BY bucket ASC LIMIT 2');
    expect(page.items).toEqual([
      readingPoint('2026-11-26T23:00:00.000Z', { avg: 7.15, min: 7.1, max: 7.2, count: 5, excluded: 0 }),
    ]);
    expect(page.nextToken).not.toBeNull();

    await store().range({ ...query, nextToken: page.nextToken });
    expect(queries().at(-1)?.QueryString).toContain(`time >= from_milliseconds(${NOW - HOUR + 300_000})`);
  });

  it('follows NextToken until the query is complete', async () => {
    const cols: [string, string][] = [
      ['time', 'TIMESTAMP'],
      ['value', 'DOUBLE'],
      ['raw', 'DOUBLE'],
      ['out_of_range', 'BOOLEAN'],
    ];
    answerQueries(
      answer(cols, [], 'token-1'),
      answer(cols, [['2026-11-26 23:00:00.000000000', '1', '2', 'true']], 'token-2'),
      answer(cols, [['2026-11-26 23:00:01.000000000', '3', '4', 'false']]),
    );
    const page = await store().range({ deviceId: 'b1', sensor: 'ph', from: NOW - HOUR, to: NOW, limit: 10 });
    expect(page.items.map((i) => i.value)).toEqual([1, 3]);
    expect(
      queries()
        .slice(1)
        .map((q) => q.NextToken),
    ).toEqual([undefined, 'token-1', 'token-2']);
  });

  it('answers an empty page for a sensor that has no column yet, without querying it', async () => {
    const page = await store().range({ deviceId: 'b1', sensor: 'co2', from: NOW - HOUR, to: NOW, limit: 10 });
    expect(page).toEqual({ items: [], nextToken: null });
    expect(queries()).toHaveLength(1);
  });

  it('reads the latest reading per sensor with one bounded subquery each', async () => {
    answerQueries(
      answer(
        [
          ['sensor', 'VARCHAR'],
          ['time', 'TIMESTAMP'],
          ['value', 'DOUBLE'],
          ['raw', 'DOUBLE'],
          ['out_of_range', 'BOOLEAN'],
          ['unit', 'VARCHAR'],
          ['config_version', 'BIGINT'],
        ],
        [
          ['tmp', '2026-11-26 23:59:00.000000000', '12.5', '0.71', 'false', null, '3'],
          ['ph', '2026-11-26 23:58:00.000000000', '7.1', '412', 'true', 'pH', '3'],
        ],
      ),
    );
    const latest = await store().latest('b1', ['ph', 'tmp', 'co2']);
    const sql = queries()[1]?.QueryString ?? '';
    expect(sql.split(' UNION ALL ')).toHaveLength(2);
    expect(sql).toContain(`time >= from_milliseconds(${NOW - 30 * 24 * HOUR})`);
    expect(sql).toContain('CAST(NULL AS VARCHAR) AS unit');
    expect(latest).toEqual([
      {
        deviceId: 'b1',
        sensor: 'ph',
        time: '2026-11-26T23:58:00.000Z',
        value: 7.1,
        raw: 412,
        unit: 'pH',
        outOfRange: true,
        configVersion: 3,
        qcFlag: 2,
        qcTests: [],
      },
      {
        deviceId: 'b1',
        sensor: 'tmp',
        time: '2026-11-26T23:59:00.000Z',
        value: 12.5,
        raw: 0.71,
        unit: null,
        outOfRange: false,
        configVersion: 3,
        qcFlag: 2,
        qcTests: [],
      },
    ]);
  });

  it('turns a failing query into ServiceUnavailable', async () => {
    answerQueries(new Error('boom'));
    await expect(
      store().range({ deviceId: 'b1', sensor: 'ph', from: NOW - HOUR, to: NOW, limit: 10 }),
    ).rejects.toMatchObject({
      errorType: 'ServiceUnavailable',
    });
  });
});

describe('Timestream SQL helpers', () => {
  it('refuses values that could break out of a literal', () => {
    expect(() => stringLiteral("b1' OR '1'='1")).toThrow(RangeError);
    expect(() => tableRef('db"; DROP', 't')).toThrow(RangeError);
    expect(() => stringLiteral('b-1.a:2')).toThrow(RangeError);
    expect(stringLiteral('b-1_a2')).toBe("'b-1_a2'");
    expect(stringLiteral('legacy_ph')).toBe("'legacy_ph'");
  });

  it('parses Timestream timestamps to epoch ms', () => {
    expect(parseTimestamp('2026-11-27 00:00:00.123456789')).toBe(NOW + 123);
    expect(parseTimestamp('2026-11-27 00:00:00')).toBe(NOW);
  });

  it('parses NullValue as null and typed scalars by ColumnInfo', () => {
    expect(
      parseRows(
        answer(
          [
            ['a', 'BIGINT'],
            ['b', 'BOOLEAN'],
            ['c', 'VARCHAR'],
          ],
          [['42', 'true', null]],
        ),
      ),
    ).toEqual([{ a: 42, b: true, c: null }]);
  });
});
