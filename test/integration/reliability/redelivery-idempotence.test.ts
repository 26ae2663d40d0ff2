import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WriteRecordsCommandInput, _Record } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DuckDbTelemetryStore,
  type TelemetryStore,
  type TimestreamTelemetryStore,
} from '../../../core/telemetry';
import { useDynamo } from '../../../testkit/embedded';
import { FakeTimestream, TEST_TIMESTREAM, timestreamOnFake } from '../../../testkit/fake-timestream';
import { batchesOf } from '../../helpers/message-ledger';
import {
  createDevices,
  eventOf,
  failedIds,
  wireProcessor,
  type Delivery,
} from '../../helpers/reliability-harness';
import { message } from '../../../testkit/telemetry-fixtures';
import { dumpDuckDbRows, storedPoints } from '../../helpers/telemetry-rows';

// At-least-once in means the same message can arrive again, in another batch
// and another order. The same readings delivered three times, out of order,
// must leave exactly what one delivery in order leaves.
const dynamo = useDynamo('yvr-test-reliability-idempotence');
let dir: string;
const DEVICES = ['idem-1', 'idem-2'];
const BASE = Date.now() - 20 * 60_000;
const WINDOW = { from: BASE - 1, to: BASE + 3_600_000 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yvr-reliability-idempotence-'));
  await createDevices(dynamo, DEVICES);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 40 messages: new-topic readings of both devices, and legacy one-sensor readings. */
function traffic(): Delivery[] {
  const out: Delivery[] = [];
  for (let n = 0; n < 30; n++) {
    const deviceId = DEVICES[n % 2]!;
    const time = BASE + n * 1000;
    out.push({
      id: `new-${n}`,
      message: message(
        `devices/${deviceId}/readings`,
        { ts: time, seq: n, readings: { ph: (n % 10) + 0.25, tmp: (n % 7) / 10 } },
        time + 200,
      ),
    });
  }
  for (let n = 0; n < 10; n++) {
    out.push({
      id: `legacy-${n}`,
      message: message(`idem-1/reading/sensor/tmp`, { value: String(n / 10) }, BASE + 500 + n * 1000),
    });
  }
  return out;
}

/** A fixed permutation (seeded), so a failure replays identically. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Three deliveries of every message, out of order: reversed in batches of 7,
 * shuffled in batches of 10, then shuffled again with each batch holding
 * duplicates of its own messages (two SQS copies of one message in a batch).
 */
function threeDeliveriesOutOfOrder(all: readonly Delivery[]): Delivery[][] {
  const copy = (d: Delivery, n: number): Delivery => ({ ...d, id: `${d.id}#${n}` });
  return [
    ...batchesOf(
      [...all].reverse().map((d) => copy(d, 2)),
      7,
    ),
    ...batchesOf(
      shuffled(all, 7).map((d) => copy(d, 3)),
      10,
    ),
    ...batchesOf(shuffled(all, 11), 5).map((batch) => [
      ...batch.map((d) => copy(d, 4)),
      ...batch.map((d) => copy(d, 5)),
    ]),
  ];
}

async function deliver(
  batches: readonly Delivery[][],
  telemetry: Pick<TelemetryStore, 'write' | 'oldestWritable'>,
) {
  const processor = wireProcessor(dynamo, telemetry);
  for (const batch of batches) expect(failedIds(await processor.handle(eventOf(batch)))).toEqual([]);
  // Nothing was refused either: a duplicate is never taken for a conflict.
  for (const id of DEVICES) expect((await processor.rejected.list({ deviceId: id })).items).toEqual([]);
  return processor;
}

describe('the same readings delivered three times and out of order', () => {
  it('leave DuckDB rows identical to one delivery in order, and lastSeenAt at the newest message', async () => {
    const all = traffic();
    const once = join(dir, 'once.duckdb');
    const thrice = join(dir, 'thrice.duckdb');

    const storeOnce = await DuckDbTelemetryStore.open({ path: once });
    await deliver(batchesOf(all, 10), storeOnce);
    await storeOnce.close();
    const expected = await dumpDuckDbRows(once);
    // 30 messages of two sensors and 10 legacy ones of one sensor.
    expect(expected).toHaveLength(70);

    const storeThrice = await DuckDbTelemetryStore.open({ path: thrice });
    const processor = await deliver(threeDeliveriesOutOfOrder(all), storeThrice);
    await storeThrice.close();
    expect(await dumpDuckDbRows(thrice)).toEqual(expected);

    const newest = Math.max(
      ...all.filter((d) => d.message.topic.includes('idem-1')).map((d) => d.message.receivedAt),
    );
    expect((await processor.devices.device('idem-1'))?.lastSeenAt).toBe(new Date(newest).toISOString());
  });

  describe('through the Timestream adapter', () => {
    let target: FakeTimestream;
    const fakes: FakeTimestream[] = [];
    let sent: WriteRecordsCommandInput[] = [];
    afterAll(() => {
      for (const fake of fakes) fake.close();
    });

    /** A store whose requests go to the current target; every store's WriteRecords are kept in `sent`. */
    const timestream = () =>
      timestreamOnFake(() => target, {
        maxAttempts: 1,
        write: (input) => {
          sent.push(structuredClone(input));
          return target.writeRecords(input);
        },
      }).store;

    async function freshTarget(): Promise<void> {
      target = await FakeTimestream.open(TEST_TIMESTREAM.database, TEST_TIMESTREAM.table, 500);
      fakes.push(target);
      sent = [];
    }

    /** Every point of both sensors of every device: what the table holds. */
    async function snapshot(store: TimestreamTelemetryStore) {
      const out: Record<string, [number, number | null][]> = {};
      for (const id of DEVICES) {
        for (const sensor of ['ph', 'tmp']) {
          out[`${id}/${sensor}`] = [...(await storedPoints(store, id, sensor, WINDOW.from, WINDOW.to))].sort(
            ([a], [b]) => a - b,
          );
        }
      }
      return out;
    }

    it('send identical WriteRecords requests for each redelivery of the same batches', async () => {
      await freshTarget();
      const batches = batchesOf(traffic(), 10);
      await deliver(batches, timestream());
      const first = sent;
      sent = [];
      await deliver(batches, timestream());
      await deliver(batches, timestream());
      expect(first).toHaveLength(batches.length);
      expect(sent).toEqual([...first, ...first]);
    });

    it('leave the same records and the same table when delivered three times out of order', async () => {
      const all = traffic();
      const store = timestream();
      await freshTarget();
      await deliver(batchesOf(all, 10), store);
      const expectedRecords = flattened(sent);
      const expectedTable = await snapshot(store);
      expect(expectedRecords).toHaveLength(40);

      await freshTarget();
      await deliver(threeDeliveriesOutOfOrder(all), store);
      // Every record sent, merged with its request's common attributes, is one of the in-order records.
      const records = flattened(sent);
      // Four copies of each: the third delivery carries every message twice.
      expect(records).toHaveLength(4 * 40);
      expect([...new Set(records)].sort()).toEqual([...new Set(expectedRecords)].sort());
      expect(await snapshot(store)).toEqual(expectedTable);
    });
  });
});

/** Each record of each request with the request's CommonAttributes merged in, as JSON, sorted. */
function flattened(requests: readonly WriteRecordsCommandInput[]): string[] {
  return requests
    .flatMap((request) =>
      (request.Records ?? []).map((record): _Record => {
        const common = request.CommonAttributes ?? {};
        return {
          ...common,
          ...record,
          Dimensions: [...(common.Dimensions ?? []), ...(record.Dimensions ?? [])],
        };
      }),
    )
    .map((record) => JSON.stringify(record, Object.keys(record).sort()))
    .sort();
}
