import {
  InternalServerException,
  RejectedRecordsException,
  ThrottlingException,
  type WriteRecordsCommandInput,
} from '@aws-sdk/client-timestream-write';
import type { DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryStore } from '../../../core/telemetry';
import { DuckDbTelemetryStore } from '../../../core/telemetry';
import { useDynamo } from '../../../testkit/embedded';
import { FakeTimestream, TEST_TIMESTREAM, timestreamOnFake } from '../../../testkit/fake-timestream';
import { dataOf, errorOf, mutation, query } from '../../../testkit/appsync-event';
import { FakePublisher } from '../../helpers/devices-harness';
import { FlakyTelemetryStore, LEAKS } from '../../helpers/fault-injection';
import { batchesOf, expectAccountedFor, mixedTraffic, type Expected } from '../../helpers/message-ledger';
import {
  TWO_SENSORS,
  createDevices,
  eventOf,
  failedIds,
  rejectedIdOf,
  wireApi,
  wireProcessor,
} from '../../helpers/reliability-harness';
import { message } from '../../../testkit/telemetry-fixtures';

// The telemetry store failing under the SQS handler (processors/calibration/
// batch.ts) with the real pipeline, device store and rejected-message store on
// dynalite. After every batch, each acknowledged SQS message id must be stored
// or kept as rejected with its reason; each one named in batchItemFailures is
// redelivered, as SQS does, until none is left.
const dynamo = useDynamo('yvr-test-reliability-telemetry');
const DEVICES = ['tf-1', 'tf-2'];
const BASE = Date.now() - 30 * 60_000;
const WINDOW = { from: BASE - 1, to: BASE + 3_600_000 };
const SQS_BATCH = 10;

beforeAll(async () => {
  await createDevices(dynamo, DEVICES);
});

const throttled = () =>
  new ThrottlingException({
    message: 'Rate exceeded',
    Message: 'Rate exceeded',
    $metadata: { httpStatusCode: 429 },
  });

interface Settled {
  /** The ids failed in each receive, in order. */
  rounds: string[][];
  /** Every message acknowledged, in the order the batches acknowledged them. */
  acknowledged: Expected[];
}

/**
 * Delivers the traffic in SQS batches, then redelivers whatever failed, in
 * batches again, until nothing is left (at most `maxReceives` receives, the
 * redrive policy). Checks after every batch that what it acknowledged is
 * accounted for.
 */
async function runLikeSqs(
  traffic: readonly Expected[],
  telemetry: Pick<TelemetryStore, 'write' | 'oldestWritable'>,
  reader: Pick<TelemetryStore, 'range'>,
  maxReceives = 8,
): Promise<Settled> {
  const processor = wireProcessor(dynamo, telemetry);
  const rounds: string[][] = [];
  const acknowledged: Expected[] = [];
  let pending = [...traffic];
  for (let receive = 0; receive < maxReceives && pending.length > 0; receive++) {
    const failedThisRound: string[] = [];
    for (const batch of batchesOf(pending, SQS_BATCH)) {
      const failed = new Set(failedIds(await processor.handle(eventOf(batch))));
      // Every id in the response is one of the batch's.
      expect([...failed].every((id) => batch.some((d) => d.id === id))).toBe(true);
      const acked = batch.filter((d) => !failed.has(d.id));
      await expectAccountedFor(acked, reader, processor.rejected, WINDOW);
      acknowledged.push(...acked);
      failedThisRound.push(...failed);
    }
    rounds.push(failedThisRound.sort());
    pending = pending.filter((d) => failedThisRound.includes(d.id));
  }
  expect(pending.map((d) => d.id)).toEqual([]);
  // Reconciliation: every message id acknowledged exactly once, none invented, none missing.
  expect(acknowledged.map((d) => d.id).sort()).toEqual(traffic.map((d) => d.id).sort());
  const totals = await expectAccountedFor(acknowledged, reader, processor.rejected, WINDOW);
  expect(totals).toEqual({
    stored: traffic.filter((e) => e.stored).length,
    rejected: traffic.filter((e) => e.rejected).length,
  });
  return { rounds, acknowledged };
}

describe('DuckDB store failing half its calls', () => {
  let duck: DuckDbTelemetryStore;
  beforeEach(async () => {
    duck = await DuckDbTelemetryStore.open({ path: ':memory:' });
    return () => duck.close();
  });

  it('stores every reading when every other write call is throttled, through redelivery', async () => {
    const traffic = mixedTraffic('odd-calls', DEVICES, 36, BASE);
    const flaky = new FlakyTelemetryStore(duck, (call) => (call % 2 === 1 ? 'throttled' : undefined));
    const { rounds } = await runLikeSqs(traffic, flaky, duck);
    // The first batch's readings were all refused, so the first receive failed records.
    expect(rounds[0]!.length).toBeGreaterThan(0);
    expect(flaky.refused).toBeGreaterThan(0);
  });

  it('stores every reading when half the records of each call are refused, through redelivery', async () => {
    const traffic = mixedTraffic('odd-records', DEVICES, 36, BASE + 100_000);
    const flaky = new FlakyTelemetryStore(duck, (_call, _record, index) =>
      index % 2 === 1 ? 'throttled' : undefined,
    );
    const { rounds } = await runLikeSqs(traffic, flaky, duck);
    expect(rounds.length).toBeGreaterThan(2);
    expect(rounds.at(-1)).toEqual([]);
  });

  it('retries every reading of a batch whose write throws, and stores them once the store is back', async () => {
    const traffic = mixedTraffic('throws', DEVICES, 12, BASE + 200_000);
    let calls = 0;
    const throwing: Pick<TelemetryStore, 'write' | 'oldestWritable'> = {
      oldestWritable: (now) => duck.oldestWritable(now),
      write: async (records) => {
        if (++calls <= 2) throw new Error('IO Error: could not write to disk');
        return duck.write(records);
      },
    };
    const { rounds } = await runLikeSqs(traffic, throwing, duck);
    // Both first batches failed every reading; the second receive stored them all.
    expect(rounds[0]!.length).toBe(traffic.filter((e) => e.stored).length);
    expect(rounds.slice(1)).toEqual([[]]);
  });
});

describe('DuckDB failing a statement', () => {
  it('fails every copy of a message that SQS delivered twice in one batch', async () => {
    const duck = await DuckDbTelemetryStore.open({ path: ':memory:' });
    try {
      // The fault is injected at the driver, under the adapter: the first INSERT fails.
      const connection = (duck as unknown as { connection: DuckDBConnection }).connection;
      const run = connection.run.bind(connection);
      let inserts = 0;
      connection.run = (async (sql: string, ...rest: unknown[]) => {
        if (sql.startsWith('INSERT') && ++inserts === 1) throw new Error('IO Error: disk full');
        return (run as (sql: string, ...rest: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof connection.run;
      const [good] = mixedTraffic('twins', DEVICES, 1, BASE + 600_000);
      const twins = [good!, { ...good!, id: `${good!.id}-copy` }];
      const processor = wireProcessor(dynamo, duck);
      expect(failedIds(await processor.handle(eventOf(twins)))).toEqual(twins.map((d) => d.id).sort());
      // Redelivered, both are stored (the same row) and acknowledged.
      expect(failedIds(await processor.handle(eventOf(twins)))).toEqual([]);
      await expectAccountedFor(twins, duck, processor.rejected, WINDOW);
    } finally {
      await duck.close();
    }
  });
});

describe('Timestream adapter over aws-sdk-client-mock, failing half its calls', () => {
  let fake: FakeTimestream;
  beforeEach(async () => {
    fake = await FakeTimestream.open(TEST_TIMESTREAM.database, TEST_TIMESTREAM.table, 500);
    return () => fake.close();
  });

  const serverError = () =>
    new InternalServerException({
      message: 'Internal failure',
      Message: 'Internal failure',
      $metadata: { httpStatusCode: 500 },
    });

  /** The store, whose WriteRecords are answered by the fake, or with `fail(call)` when it gives an error. */
  const answer = (
    fail: (call: number, input: WriteRecordsCommandInput) => Error | undefined | Promise<Error | undefined>,
  ) =>
    timestreamOnFake(fake, {
      maxAttempts: 1,
      write: async (input, call) => {
        const error = await fail(call, input);
        if (error) throw error;
        return fake.writeRecords(input);
      },
    });

  it('stores everything without redelivery when every other call is throttled or answers 500', async () => {
    const { store, writes } = answer((call) =>
      call % 4 === 1 ? throttled() : call % 4 === 3 ? serverError() : undefined,
    );
    const traffic = mixedTraffic('ts-alternate', DEVICES, 40, BASE + 300_000);
    const { rounds } = await runLikeSqs(traffic, store, store);
    // The writer's bounded retries absorb a fault on every other call: no record needed SQS.
    expect(rounds).toEqual([[]]);
    expect(writes.length).toBe(2 * batchesOf(traffic, SQS_BATCH).length);
  });

  it('fails the records of an outage longer than the retries, and stores them on redelivery', async () => {
    // The first 8 calls fail: the writer's 4 attempts for each of the first two batches.
    const { store } = answer((call) =>
      call <= 8 ? (call % 2 === 1 ? throttled() : serverError()) : undefined,
    );
    const traffic = mixedTraffic('ts-outage', DEVICES, 30, BASE + 400_000);
    const { rounds } = await runLikeSqs(traffic, store, store);
    const readingsOfFirstTwoBatches = batchesOf(traffic, SQS_BATCH)
      .slice(0, 2)
      .flat()
      .filter((e) => e.stored && !e.rejected)
      .map((e) => e.id)
      .sort();
    expect(rounds).toEqual([readingsOfFirstTwoBatches, []]);
  });

  it('retries records Timestream rejects as throttled and keeps those it refuses for good', async () => {
    // Each request: odd records rejected as throttled; the first call also finds a
    // different record already stored at one message's key (ExistingVersion).
    const traffic = mixedTraffic('ts-rejected', DEVICES, 20, BASE + 500_000);
    const conflicting = traffic[2]!;
    const { store } = answer(async (call, input) => {
      const records = input.Records ?? [];
      const rejected = records.flatMap((r, RecordIndex) => {
        if (call === 1 && Number(r.Time) === conflicting.stored!.time)
          return [
            { RecordIndex, Reason: 'A record with different measure values exists', ExistingVersion: 1 },
          ];
        return RecordIndex % 2 === 1 && call <= 6 ? [{ RecordIndex, Reason: 'Throttled; try again' }] : [];
      });
      if (rejected.length === 0) return undefined;
      // The records not named were written, as Timestream does.
      const named = new Set(rejected.map((r) => r.RecordIndex));
      await fake.writeRecords({ ...input, Records: records.filter((_, i) => !named.has(i)) });
      return new RejectedRecordsException({
        message: 'One or more records have been rejected.',
        $metadata: { httpStatusCode: 419 },
        RejectedRecords: rejected,
      });
    });
    const refusedForGood: Expected = {
      id: conflicting.id,
      message: conflicting.message,
      rejected: /different measure values exists/,
    };
    const expected = traffic.map((e) => (e === conflicting ? refusedForGood : e));
    const { rounds } = await runLikeSqs(expected, store, store);
    expect(rounds.length).toBeGreaterThan(1);
    expect(rounds.at(-1)).toEqual([]);
  });
});

describe('the API while the telemetry store fails', () => {
  it('answers latestReadings and readings with ServiceUnavailable while Timestream queries are throttled', async () => {
    const { store, queries } = timestreamOnFake(undefined, {
      maxAttempts: 1,
      query: () => {
        throw throttled();
      },
    });
    const { api, stop } = wireApi(dynamo, store, new FakePublisher());
    try {
      for (const event of [
        query('latestReadings', { deviceId: DEVICES[0] }),
        query('readings', {
          deviceId: DEVICES[0],
          sensor: 'ph',
          from: new Date(WINDOW.from).toISOString(),
          to: new Date(WINDOW.to).toISOString(),
        }),
      ]) {
        const error = errorOf(await api.resolve(event));
        expect(error).toEqual({
          errorType: 'ServiceUnavailable',
          message: 'The telemetry store could not answer; try again.',
        });
        expect(error.message).not.toMatch(LEAKS);
      }
      expect(queries.length).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });

  it('changes nothing when a replay meets a failing store, and stores the message once it is back', async () => {
    const duck = await DuckDbTelemetryStore.open({ path: ':memory:' });
    let down = true;
    const flaky = new FlakyTelemetryStore(duck, () => (down ? 'throttled' : undefined));
    const store: TelemetryStore = {
      write: (records) => flaky.write(records),
      oldestWritable: (now) => duck.oldestWritable(now),
      latest: (id, sensors) => duck.latest(id, sensors),
      range: (q) => duck.range(q),
      scan: (q) => duck.scan(q),
      records: (q) => duck.records(q),
    };
    const processor = wireProcessor(dynamo, store);
    const { api, stop } = wireApi(dynamo, store, new FakePublisher());
    try {
      // A device that reports before it is registered: its message is kept, then replayed.
      const early: Expected = {
        id: 'early',
        message: message(
          'devices/tf-late/readings',
          { ts: BASE + 700_000, readings: { ph: 5 } },
          BASE + 700_100,
        ),
      };
      expect(failedIds(await processor.handle(eventOf([early])))).toEqual([]);
      await processor.devices.createDevice({ id: 'tf-late', name: 'late', sensors: TWO_SENSORS }, 'test');
      const id = rejectedIdOf(early);

      const refused = errorOf(await api.resolve(mutation('replayRejectedMessage', { id })));
      expect(refused).toEqual({
        errorType: 'ServiceUnavailable',
        message: 'The replay could not reach the device or telemetry store; try again.',
      });
      expect(await processor.rejected.get(id)).toMatchObject({
        replayCount: 0,
        reason: 'unknown device "tf-late"',
      });

      down = false;
      const replayed = dataOf<{ accepted: boolean }>(
        await api.resolve(mutation('replayRejectedMessage', { id })),
      );
      expect(replayed).toMatchObject({ accepted: true });
      await expectAccountedFor(
        [{ ...early, stored: { deviceId: 'tf-late', time: BASE + 700_000, ph: 7 } }],
        duck,
        processor.rejected,
        WINDOW,
      );
      await expect(processor.rejected.get(id)).rejects.toMatchObject({ errorType: 'NotFound' });
    } finally {
      stop();
      await duck.close();
    }
  });
});
