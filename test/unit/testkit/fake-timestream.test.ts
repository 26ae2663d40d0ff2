import { RejectedRecordsException, type WriteRecordsCommandInput } from '@aws-sdk/client-timestream-write';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTimestream, timestreamOnFake } from '../../../testkit/fake-timestream';

const TABLE = '"db"."t"';
const write = (time: number, ph: number, version?: number): WriteRecordsCommandInput => ({
  DatabaseName: 'db',
  TableName: 't',
  CommonAttributes: { Dimensions: [{ Name: 'device_id', Value: 'b1' }] },
  Records: [
    {
      MeasureName: 'reading',
      MeasureValueType: 'MULTI',
      Time: String(time),
      ...(version !== undefined ? { Version: version } : {}),
      MeasureValues: [
        { Name: 'ph', Value: String(ph), Type: 'DOUBLE' },
        { Name: 'out_of_range', Value: 'false', Type: 'BOOLEAN' },
      ],
    },
  ],
});
const select = `SELECT time, ph FROM ${TABLE} WHERE time >= from_milliseconds(0) ORDER BY time`;

describe('FakeTimestream', () => {
  let fake: FakeTimestream;
  beforeEach(async () => {
    fake = await FakeTimestream.open('db', 't', 2);
  });
  afterEach(() => fake.close());

  it('takes the same record again, and a different one only with a higher Version', async () => {
    await fake.writeRecords(write(1000, 7));
    await expect(fake.writeRecords(write(1000, 7))).resolves.toEqual({});
    const refused = await fake.writeRecords(write(1000, 8)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RejectedRecordsException);
    expect((refused as RejectedRecordsException).RejectedRecords).toEqual([
      { RecordIndex: 0, Reason: expect.stringMatching(/different values/), ExistingVersion: 1 },
    ]);
    await fake.writeRecords(write(1000, 8, 2));
    const answer = await fake.query({ QueryString: select });
    expect(answer.Rows?.map((r) => r.Data?.[1]?.ScalarValue)).toEqual(['8']);
  });

  it('answers in pages of its page size, with Timestream timestamps and column types', async () => {
    for (const [i, ph] of [7, 7.5, 8].entries()) await fake.writeRecords(write(1000 * (i + 1), ph));
    const first = await fake.query({ QueryString: select });
    expect(first.ColumnInfo?.map((c) => [c.Name, c.Type?.ScalarType])).toEqual([
      ['time', 'TIMESTAMP'],
      ['ph', 'DOUBLE'],
    ]);
    expect(first.Rows?.[0]?.Data?.[0]?.ScalarValue).toBe('1970-01-01 00:00:01.000000000');
    expect(first.Rows).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const second = await fake.query({ QueryString: select, NextToken: first.NextToken });
    expect(second.Rows?.map((r) => r.Data?.[1]?.ScalarValue)).toEqual(['8']);
    expect(second.NextToken).toBeUndefined();
    await expect(fake.query({ QueryString: select, NextToken: first.NextToken })).rejects.toThrow(
      /unknown NextToken/,
    );
  });

  it('describes the table with the measures written so far', async () => {
    await fake.writeRecords(write(1000, 7));
    const answer = await fake.query({ QueryString: `DESCRIBE ${TABLE}` });
    expect(answer.Rows?.map((r) => r.Data?.map((d) => d.ScalarValue))).toEqual([
      ['device_id', 'varchar', 'DIMENSION'],
      ['measure_name', 'varchar', 'MEASURE_NAME'],
      ['time', 'timestamp', 'TIMESTAMP'],
      ['ph', 'double', 'MULTI'],
      ['out_of_range', 'boolean', 'MULTI'],
    ]);
  });

  it('refuses a query of another table or without a time predicate, as a costly scan', async () => {
    await expect(
      fake.query({ QueryString: 'SELECT * FROM "db"."other" WHERE time >= from_milliseconds(0)' }),
    ).rejects.toThrow(/does not name/);
    await expect(fake.query({ QueryString: `SELECT * FROM ${TABLE}` })).rejects.toThrow(
      /without a time predicate/,
    );
  });

  it('runs bin() buckets as DuckDB time buckets', async () => {
    await fake.writeRecords(write(1000, 7));
    await fake.writeRecords(write(2000, 8));
    const answer = await fake.query({
      QueryString: `SELECT bin(time, 60s) AS t, avg(ph) AS avg FROM ${TABLE} WHERE time >= from_milliseconds(0) GROUP BY 1`,
    });
    expect(answer.Rows?.map((r) => r.Data?.[1]?.ScalarValue)).toEqual(['7.5']);
  });
});

describe('timestreamOnFake', () => {
  const reading = (time: number) => ({
    deviceId: 'b1',
    time,
    configVersion: 1,
    source: 'device' as const,
    readings: [{ sensor: 'ph', raw: 70, value: 7, unit: 'pH', outOfRange: false }],
  });

  it('runs the store on the fake through its SDK clients and keeps every request sent', async () => {
    const fake = await FakeTimestream.open('yvr-test-db', 'calibrated_device_data');
    try {
      const { store, writes, queries } = timestreamOnFake(fake, { store: { clock: () => 10_000 } });
      expect((await store.write([reading(5_000)])).failures).toEqual([]);
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({ DatabaseName: 'yvr-test-db', TableName: 'calibrated_device_data' });
      const page = await store.range({ deviceId: 'b1', sensor: 'ph', from: 0, to: 10_000, limit: 5 });
      expect(page.items.map((p) => p.value)).toEqual([7]);
      expect(queries.length).toBeGreaterThan(0);
    } finally {
      fake.close();
    }
  });

  it('lets write and query answer instead of a fake, counting the write calls', async () => {
    const calls: number[] = [];
    const { store } = timestreamOnFake(undefined, {
      maxAttempts: 1,
      write: (_input, call) => {
        calls.push(call);
        return {};
      },
      query: () => {
        throw new Error('query refused');
      },
    });
    await store.write([reading(1)]);
    await store.write([reading(2)]);
    expect(calls).toEqual([1, 2]);
    await expect(store.latest('b1', ['ph'])).rejects.toThrow();
  });

  it('asks a fake given as a function at each request', async () => {
    const fakes = [await FakeTimestream.open('yvr-test-db', 'calibrated_device_data')];
    try {
      const { store } = timestreamOnFake(() => fakes.at(-1)!, { store: { clock: () => 10_000 } });
      await store.write([reading(5_000)]);
      fakes.push(await FakeTimestream.open('yvr-test-db', 'calibrated_device_data'));
      const page = await store.range({ deviceId: 'b1', sensor: 'ph', from: 0, to: 10_000, limit: 5 });
      expect(page.items).toEqual([]);
    } finally {
      for (const fake of fakes) fake.close();
    }
  });

  it('refuses a request it has neither a fake nor an answer for', async () => {
    const { store } = timestreamOnFake(undefined, { maxAttempts: 1 });
    expect((await store.write([reading(1)])).failures).toEqual([
      { index: 0, reason: expect.stringMatching(/no fake and no answer/), retryable: false },
    ]);
  });
});
