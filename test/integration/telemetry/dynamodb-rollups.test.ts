import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DuckDbTelemetryStore, DynamoDbTelemetryStore, type TelemetryStore } from '../../../core/telemetry';
import type { TelemetryRecord } from '../../../core/telemetry/types';
import { ensureTelemetryTable, localClientConfig } from '../../../local/embedded/dynamodb';
import { countRequests } from '../../../testkit/aws-request-counter';
import { freshTables, useDynamo } from '../../../testkit/embedded';
import { allItems } from '../../../testkit/pages';
import { NOW } from '../../../testkit/telemetry-fixtures';

// The DynamoDB store keeps hour and day rollups as it writes. Whatever the
// batching, redelivery, order and concurrency of the writes, the buckets it
// serves from rollups must be the buckets of the raw data: DuckDB, which
// computes them from raw rows, holding the same writes, is the oracle.
const HOUR = 3_600_000;
const DAY = 86_400_000;
const DAY0 = NOW - 3 * DAY;
const dynamo = useDynamo();
const freshTable = freshTables(dynamo, 'yvr-test-rollups', ensureTelemetryTable);

async function freshStore(client: DynamoDBClient = dynamo.client): Promise<{
  store: DynamoDbTelemetryStore;
  tableName: string;
  drop(): Promise<void>;
}> {
  const { tableName, drop } = await freshTable();
  return { store: new DynamoDbTelemetryStore({ client, tableName, clock: () => NOW }), tableName, drop };
}

function rec(time: number, ph: number, version = 1, source: 'device' | 'legacy' = 'device'): TelemetryRecord {
  return {
    deviceId: 'b1',
    time,
    configVersion: version,
    source,
    readings: [
      { sensor: 'ph', raw: ph * 10, value: version === 1 ? ph : ph + version, unit: 'pH', outOfRange: false },
    ],
  };
}

// Sums in another order differ in the last bits of a double; 12 significant digits are the data's.
const allBuckets = async (store: TelemetryStore, intervalMs: number, from: number, to: number) =>
  (
    await allItems((nextToken) =>
      store.range({ deviceId: 'b1', sensor: 'ph', from, to, intervalMs, limit: 7, nextToken }),
    )
  ).map((p) => ({ ...p, avg: p.avg === null ? null : Number(p.avg.toPrecision(12)) }));

describe('DynamoDB telemetry rollups', () => {
  it(
    'serve the buckets of the raw data under redelivery, reordering and concurrent writers',
    { timeout: 180_000 },
    async () => {
      // Readings over three days (distinct times), some recalibrated under a higher version.
      const reading = fc.record({
        minute: fc.integer({ min: 0, max: 3 * 24 * 60 - 1 }),
        ph: fc.integer({ min: 0, max: 140 }).map((n) => n / 10),
        recalibrated: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(reading, { selector: (r) => r.minute, minLength: 1, maxLength: 40 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 3 }),
          fc.infiniteStream(fc.nat()),
          async (readings, writers, copies, shuffle) => {
            const { store, drop } = await freshStore();
            const oracle = await DuckDbTelemetryStore.open({ path: ':memory:' });
            try {
              const first = readings.map((r) => rec(DAY0 + r.minute * 60_000, r.ph));
              const second = readings
                .filter((r) => r.recalibrated)
                .map((r) => rec(DAY0 + r.minute * 60_000, r.ph, 2));
              // Every message delivered `copies` times, shuffled, split among concurrent writers.
              const deliveries = Array.from({ length: copies }, () => first).flat();
              const randoms = shuffle.take(deliveries.length);
              const order = deliveries
                .map((d) => ({ d, k: randoms.next().value as number }))
                .sort((a, b) => a.k - b.k)
                .map((x) => x.d);
              const lanes: TelemetryRecord[][] = Array.from({ length: writers }, () => []);
              order.forEach((d, i) => lanes[i % writers]!.push(d));
              const results = await Promise.all(
                lanes.map(async (lane) => {
                  const failures = [];
                  for (let i = 0; i < lane.length; i += 5)
                    failures.push(...(await store.write(lane.slice(i, i + 5))).failures);
                  return failures;
                }),
              );
              expect(results.flat()).toEqual([]);
              // Recalibrations race a late redelivery of the old version.
              const [a, b] = await Promise.all([store.write(second), store.write(first)]);
              expect([...a.failures, ...b.failures]).toEqual([]);
              await oracle.write(first);
              await oracle.write(second);

              for (const interval of [HOUR, DAY, 2 * HOUR, 5 * 60_000]) {
                expect(await allBuckets(store, interval, DAY0, DAY0 + 3 * DAY)).toEqual(
                  await allBuckets(oracle, interval, DAY0, DAY0 + 3 * DAY),
                );
              }
              // An unaligned range: the partial hours and days at its ends come from raw items.
              const from = DAY0 + 7 * HOUR + 17 * 60_000;
              const to = DAY0 + 2 * DAY + 5 * HOUR + 3 * 60_000;
              for (const interval of [HOUR, DAY]) {
                expect(await allBuckets(store, interval, from, to)).toEqual(
                  await allBuckets(oracle, interval, from, to),
                );
              }
            } finally {
              await oracle.close();
              await drop();
            }
          },
        ),
        { numRuns: 8 },
      );
    },
  );

  it('reports the records of a bucket whose rollup failed as retryable, and a redelivery repairs it', async () => {
    const client = new DynamoDBClient(localClientConfig(dynamo.endpoint, 'local', dynamo.credentials));
    let failRollups = true;
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        if (failRollups && input.UpdateExpression?.startsWith('SET #s')) {
          throw Object.assign(new Error('Throughput exceeds the current capacity'), {
            name: 'ProvisionedThroughputExceededException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failRollups' },
    );
    const { store, drop } = await freshStore(client);
    try {
      const records = [rec(DAY0, 7), rec(DAY0 + 60_000, 8)];
      const result = await store.write(records);
      expect(result.failures.map((f) => [f.index, f.retryable])).toEqual([
        [0, true],
        [1, true],
      ]);
      // The raw items were stored; the hour rollup was not.
      expect(await allBuckets(store, HOUR, DAY0, DAY0 + HOUR)).toEqual([]);
      failRollups = false;
      expect((await store.write(records)).failures).toEqual([]);
      expect(await allBuckets(store, HOUR, DAY0, DAY0 + HOUR)).toMatchObject([
        { avg: 7.5, min: 7, max: 8, count: 2 },
      ]);
    } finally {
      await drop();
      client.destroy();
    }
  });

  it('serves a year of one sensor in day buckets from a handful of reads', async () => {
    const client = new DynamoDBClient(localClientConfig(dynamo.endpoint, 'local', dynamo.credentials));
    const counter = countRequests(client);
    const { store, drop } = await freshStore(client);
    try {
      // One reading a day for a year (a day rollup each), written a month per batch.
      const start = NOW - 365 * DAY;
      const year = Array.from({ length: 365 }, (_, i) => rec(start + i * DAY + 12 * HOUR, (i % 14) + 0.5));
      for (let i = 0; i < year.length; i += 31) await store.write(year.slice(i, i + 31));
      counter.reset();
      const page = await store.range({
        deviceId: 'b1',
        sensor: 'ph',
        from: start,
        to: NOW,
        intervalMs: DAY,
        limit: 1000,
      });
      expect(page.items).toHaveLength(365);
      expect(page.nextToken).toBeNull();
      expect(counter.counts()).toEqual({ Query: 1 });
    } finally {
      await drop();
      client.destroy();
    }
  });

  it('skips items past their retention, which dynalite never deletes', async () => {
    const { tableName, drop } = await freshTable();
    const writer = new DynamoDbTelemetryStore({
      client: dynamo.client,
      tableName,
      retentionDays: 30,
      clock: () => NOW,
    });
    await writer.write([rec(NOW - 10 * DAY, 7)]);
    const reader = (now: number) =>
      new DynamoDbTelemetryStore({ client: dynamo.client, tableName, retentionDays: 30, clock: () => now });
    const query = { deviceId: 'b1', sensor: 'ph', from: NOW - 11 * DAY, to: NOW, limit: 10 };
    expect((await reader(NOW).range(query)).items).toHaveLength(1);
    expect((await reader(NOW + 25 * DAY).range(query)).items).toEqual([]);
    expect((await reader(NOW + 25 * DAY).range({ ...query, intervalMs: DAY })).items).toEqual([]);
    expect(writer.oldestWritable(NOW)).toBe(NOW - 30 * DAY);
    await drop();
  });

  it('keeps fields it does not know on each reading (quality flags of a later version)', async () => {
    const { store, drop } = await freshStore();
    try {
      const record = rec(DAY0, 7);
      Object.assign(record.readings[0]!, { qcFlag: 3, qcTests: ['spike'] });
      await store.write([record]);
      expect(await store.latest('b1')).toMatchObject([{ sensor: 'ph', qcFlag: 3, qcTests: ['spike'] }]);
      const rows = [];
      for await (const batch of store.scan({ deviceId: 'b1', sensors: ['ph'], from: DAY0, to: DAY0 + 1 }))
        rows.push(...batch);
      expect(rows).toMatchObject([{ qcFlag: 3, qcTests: ['spike'], configVersion: 1 }]);
    } finally {
      await drop();
    }
  });

  it('reads items and rollups written before quality control as unflagged, and replaces them with a versioned write', async () => {
    const { store, tableName, drop } = await freshStore();
    const documents = DynamoDBDocumentClient.from(dynamo.client);
    try {
      const time = DAY0 + 5 * 60_000;
      // The shapes the store wrote before flags and store versions existed.
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: 'T#b1',
            sk: `R#${String(time).padStart(13, '0')}#D`,
            v: 3,
            r: { ph: { raw: 70, value: 7, unit: 'pH', outOfRange: false } },
          },
        }),
      );
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: 'T#b1',
            sk: `H#${String(DAY0).padStart(13, '0')}`,
            q: 1,
            cq: 1,
            s: { ph: { n: 1, sum: 7, min: 7, max: 7 } },
          },
        }),
      );
      const hours = { deviceId: 'b1', sensor: 'ph', from: DAY0, to: DAY0 + HOUR, intervalMs: HOUR, limit: 5 };
      expect((await store.range(hours)).items).toMatchObject([{ count: 1, excluded: 0, avg: 7 }]);
      // minQuality 1 leaves the unflagged (2) value out, and says so.
      expect((await store.range({ ...hours, minQuality: 1 })).items).toMatchObject([
        { count: 0, excluded: 1, avg: null },
      ]);
      const raw = await store.range({ deviceId: 'b1', sensor: 'ph', from: DAY0, to: NOW, limit: 5 });
      expect(raw.items).toMatchObject([{ value: 7, qcFlag: 2, qcTests: [] }]);
      const [old] = (await store.records({ deviceId: 'b1', sensor: 'ph', from: DAY0, to: NOW, limit: 5 }))
        .items;
      expect(old).toMatchObject({ time, configVersion: 3, version: 3, source: 'device' });

      // An older config version without a store version is superseded; a versioned rewrite replaces it.
      await store.write([rec(time, 1, 2)]);
      expect((await store.range({ ...hours, intervalMs: undefined })).items).toMatchObject([{ value: 7 }]);
      const flagged = rec(time, 8);
      flagged.version = NOW;
      flagged.readings[0] = { ...flagged.readings[0]!, qcFlag: 4, qcTests: ['gross_range'] };
      expect((await store.write([flagged])).failures).toEqual([]);
      expect((await store.range(hours)).items).toMatchObject([{ count: 0, excluded: 1 }]);
      expect((await store.range({ ...hours, minQuality: 4 })).items).toMatchObject([
        { count: 1, excluded: 0, avg: 8 },
      ]);
      expect(await store.latest('b1')).toMatchObject([{ value: 8, qcFlag: 4, qcTests: ['gross_range'] }]);
    } finally {
      await drop();
    }
  });
});
