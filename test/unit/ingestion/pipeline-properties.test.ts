import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeTopic, type InboundMessage, type MessageOutcome } from '../../../core/ingestion';
import { devicesOf, fakePipeline } from '../../../testkit/fake-pipeline';
import { NOW, TEN_SENSORS, device, sqsEvent, sqsRecord } from '../../../testkit/telemetry-fixtures';
import { sqsBatchHandlerOn } from '../../helpers/sqs-batch-handler';

// Properties over what the field can send: any JSON (or bytes) on any topic with any time.
// The pipeline must decide every message (stored, rejected with a reason, or retried) exactly
// once and never throw; with dependencies that do not fail, nothing may be left to retry.

const topics = fc.oneof(
  fc.constantFrom(
    'devices/b1/readings',
    'devices/b2/readings',
    'devices/ghost/readings',
    'b1/reading/sensor/ph',
    'b1/reading/sensor/nope',
    'devices/b1/config/ack',
    'devices/ghost/config/ack',
  ),
  fc.string({ maxLength: 40 }),
);

const timestamps = fc.oneof(
  fc.integer({ min: NOW - 3 * 86_400_000, max: NOW + 3_600_000 }),
  fc.constantFrom(1e20, -1e20, 8.64e15 + 1, Number.MAX_VALUE, 0, -1, 1.5, NOW + 0.5),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('999999999999999', '+275760-09-13T00:00:00.000Z', '2026-11-27T00:00:00+99:99'),
);

const sensorKeys = fc.oneof(fc.constantFrom(...TEN_SENSORS), fc.string({ maxLength: 40 }));

const readingsPayload = fc.record(
  {
    ts: timestamps,
    seq: fc.oneof(fc.nat(), fc.jsonValue()),
    readings: fc.oneof(
      fc.dictionary(sensorKeys, fc.oneof(fc.double(), fc.jsonValue()), { maxKeys: 40 }),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

const ackPayload = fc.record(
  {
    version: fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double(), fc.jsonValue()),
    status: fc.oneof(fc.constantFrom('applied', 'rejected'), fc.jsonValue()),
    reason: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

const payloads = fc.oneof(
  readingsPayload.map((p) => new TextEncoder().encode(JSON.stringify(p))),
  ackPayload.map((p) => new TextEncoder().encode(JSON.stringify(p))),
  fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v) ?? 'undefined')),
  // JSON with numbers beyond a double's range, which JSON.parse turns into Infinity.
  fc
    .constantFrom(
      '{"ts":1e400,"readings":{"ph":1}}',
      '{"readings":{"ph":1e400}}',
      '{"ts":-0,"readings":{"ph":-0}}',
    )
    .map((t) => new TextEncoder().encode(t)),
  fc.uint8Array({ maxLength: 64 }),
);

const messages = fc.array(
  fc.record({
    topic: topics,
    payload: payloads,
    receivedAt: fc.oneof(fc.constant(NOW), fc.integer({ min: 0, max: 999_999_999_999_999 })),
  }),
  { minLength: 1, maxLength: 30 },
);

const pipelineWithFakes = () =>
  fakePipeline({ devices: devicesOf(device('b1'), { ...device('b2'), enabled: false }) });

/** A readings message that was stored (wholly, or partly with the bad sensors named); acks store no record. */
const stored = (o: MessageOutcome) =>
  routeTopic(o.message.topic)?.kind !== 'ack' &&
  (o.status === 'accepted' || (o.status === 'rejected' && o.partial));

describe('ingestion pipeline properties', () => {
  it('decides every message exactly once, with a reason for each rejection, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(messages, async (batch: InboundMessage[]) => {
        const { pipeline, telemetry } = pipelineWithFakes();
        const outcomes = await pipeline.process(batch);
        expect(outcomes).toHaveLength(batch.length);
        outcomes.forEach((o, i) => {
          expect(o.message).toBe(batch[i]);
          // Dependencies here never fail, so nothing is left to a retry: each message is decided now.
          expect(o.status === 'retry' ? `retry: ${o.reason}` : o.status).toMatch(/^(accepted|rejected)$/);
          if (o.status === 'rejected') expect(o.reason.length).toBeGreaterThan(0);
        });
        // Each stored message is one record, written once; nothing else is written.
        expect(telemetry.written).toHaveLength(outcomes.filter(stored).length);
      }),
      { numRuns: 300 },
    );
  });

  it('fails only the messages whose handling throws, never their neighbours', async () => {
    const withB3 = topics.map((t) => t.replace('devices/b2/', 'devices/b3/'));
    const batchesWithB3 = fc.array(
      fc.record({
        topic: fc.oneof(withB3, fc.constant('devices/b3/readings')),
        payload: payloads,
        receivedAt: fc.constant(NOW),
      }),
      { minLength: 1, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(batchesWithB3, async (batch: InboundMessage[]) => {
        // A bug in one device's data (a stored item the code cannot read) throws while its
        // messages are calibrated; the messages of other devices must not notice.
        const broken = { ...device('b3') };
        Object.defineProperty(broken, 'sensors', {
          get: () => {
            throw new TypeError("Cannot read properties of undefined (reading 'points')");
          },
        });
        const { pipeline } = fakePipeline({ devices: devicesOf(device('b1'), broken) });
        const outcomes = await pipeline.process(batch);
        const clean = await pipelineWithFakes().pipeline.process(batch);
        outcomes.forEach((o, i) => {
          if (o.deviceId === 'b3' && o.status === 'retry')
            expect(o.reason).toMatch(/^internal error while processing it: TypeError/);
          else if (o.deviceId !== 'b3') expect(o.status).toBe(clean[i]!.status);
        });
      }),
      { numRuns: 150 },
    );
  });
});

const POISON_TOPIC = 'devices/poison/readings';

describe('SQS batch handler properties', () => {
  const batches = fc.array(
    fc.record({
      message: fc.record({
        topic: topics,
        payload: payloads,
        receivedAt: fc.oneof(fc.constant(NOW), fc.integer({ min: 0, max: 999_999_999_999_999 })),
      }),
      body: fc.option(fc.string({ maxLength: 60 }), { freq: 5 }),
      attempt: fc.integer({ min: 1, max: 5 }),
    }),
    { minLength: 1, maxLength: 20 },
  );

  it('fails only the records of a message that throws, and keeps it with its error on the last attempt', async () => {
    await fc.assert(
      fc.asyncProperty(batches, fc.nat(), async (items, pick) => {
        const { pipeline } = pipelineWithFakes();
        const poisoned = pick % items.length;
        // The pipeline itself throws for one message: the fault is that message's, not the batch's.
        const faulty = {
          process: async (ms: readonly InboundMessage[]) => {
            const out = await pipeline.process(ms);
            return out.map((o) =>
              o.message.topic === POISON_TOPIC
                ? {
                    status: 'retry' as const,
                    message: o.message,
                    deviceId: o.deviceId,
                    reason: 'internal error while processing it: RangeError: Invalid time value',
                  }
                : o,
            );
          },
        };
        const { handle, store } = sqsBatchHandlerOn(pipeline, { runs: faulty });
        const records = items.map((item, i) => {
          const r = sqsRecord(
            i === poisoned ? { ...item.message, topic: POISON_TOPIC } : item.message,
            `m${i}`,
          );
          if (item.body !== null && i !== poisoned) r.body = item.body;
          r.attributes.ApproximateReceiveCount = String(item.attempt);
          return r;
        });
        const response = await handle(sqsEvent(records));
        const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        const last = items[poisoned]!.attempt >= 5;
        expect(failed.has(`m${poisoned}`)).toBe(!last);
        // Only the poisoned record may fail: nothing else depends on anything that fails here.
        expect([...failed].filter((id) => id !== `m${poisoned}`)).toEqual([]);
        const kept = [...store.items.values()].filter((r) =>
          /not processed after 5 attempts: internal error/.test(r.reason),
        );
        expect(kept.length).toBe(last ? 1 : 0);
      }),
      { numRuns: 150 },
    );
  });

  it('retries every record, without throwing, when the pipeline itself throws', async () => {
    const { pipeline } = pipelineWithFakes();
    const { handle } = sqsBatchHandlerOn(pipeline, {
      runs: { process: () => Promise.reject(new RangeError('Invalid time value')) },
    });
    const m = {
      topic: 'devices/b1/readings',
      payload: new TextEncoder().encode('{"ts":1e20,"readings":{"ph":1}}'),
      receivedAt: NOW,
    };
    const response = await handle(sqsEvent([sqsRecord(m, 'a'), sqsRecord(m, 'b')]));
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a', 'b']);
  });

  it('keeps the message of ts 1e20 as rejected with its reason and stores its neighbours', async () => {
    const { pipeline, telemetry } = pipelineWithFakes();
    const { handle, store } = sqsBatchHandlerOn(pipeline);
    const bad = {
      topic: 'devices/b1/readings',
      payload: new TextEncoder().encode('{"ts":1e20,"readings":{"ph":1}}'),
      receivedAt: NOW,
    };
    const good = {
      topic: 'devices/b1/readings',
      payload: new TextEncoder().encode(`{"ts":${NOW - 1000},"readings":{"ph":1}}`),
      receivedAt: NOW,
    };
    const response = await handle(
      sqsEvent([sqsRecord(good, 'g1'), sqsRecord(bad, 'bad'), sqsRecord(good, 'g2')]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(telemetry.written).toHaveLength(2);
    expect([...store.items.values()].map((r) => r.reason)).toEqual([
      'time 100000000000000000000 is more than 15 minutes in the future',
    ]);
  });
});
