import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InboundMessage, MessageOutcome } from '../../../core/ingestion';
import { decodeSqsRecord, encodeSqsBody } from '../../../processors/calibration/decode';
import { lambdaBatchRunner } from '../../../local/processor/local-processor';
import { NOW, sqsRecord } from '../../../testkit/telemetry-fixtures';

// Issue 11 item 3: the local processor hands its messages to the calibration Lambda's own batch
// handler as the SQS records the IoT rule writes, and retries exactly what the handler reports.

const arbMessage = fc.record({
  topic: fc.string({ minLength: 1, maxLength: 80 }),
  payload: fc.uint8Array({ maxLength: 300 }),
  receivedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

type Verdict = 'accepted' | 'rejected' | 'retry' | 'unkept';

/** A pipeline and rejected store that answer each message with the verdict written in its topic. */
function scripted(verdicts: Map<string, Verdict>) {
  const processed: InboundMessage[][] = [];
  const pipeline = {
    process: async (messages: readonly InboundMessage[]): Promise<MessageOutcome[]> => {
      processed.push([...messages]);
      return messages.map((message) => {
        const v = verdicts.get(message.topic) ?? 'accepted';
        if (v === 'accepted') return { status: 'accepted', message, deviceId: 'b1' };
        if (v === 'retry') return { status: 'retry', message, deviceId: 'b1', reason: 'store down' };
        return { status: 'rejected', message, deviceId: 'b1', reason: 'bad', partial: false };
      });
    },
  };
  const kept: MessageOutcome[] = [];
  const rejected = {
    keep: async (outcomes: readonly MessageOutcome[]) => {
      const unkept = new Set<MessageOutcome>();
      for (const o of outcomes) {
        if (o.status !== 'rejected') continue;
        if (verdicts.get(o.message.topic) === 'unkept') unkept.add(o);
        else kept.push(o);
      }
      return unkept;
    },
  };
  return { pipeline, rejected, processed, kept };
}

describe('the SQS body the local processor writes', () => {
  it('is the IoT rule envelope, which the Lambda decodes to the same message', () => {
    fc.assert(
      fc.property(arbMessage, (m) => {
        const body = encodeSqsBody(m);
        expect(Object.keys(JSON.parse(body) as object).sort()).toEqual(['payload', 'receivedAt', 'topic']);
        const decoded = decodeSqsRecord({ ...sqsRecord(m, 'id-1'), body });
        expect(decoded).toEqual({ ok: true, message: { ...m, payload: new Uint8Array(m.payload) } });
      }),
    );
  });

  it('matches the body the test fixtures build for the Lambda', () => {
    const m = {
      topic: 'devices/b1/readings',
      payload: new TextEncoder().encode('{"readings":{}}'),
      receivedAt: NOW,
    };
    expect(encodeSqsBody(m)).toBe(sqsRecord(m, 'x').body);
  });
});

describe('lambdaBatchRunner', () => {
  it('retries exactly the records the handler fails, and every message is finished or retried once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Verdict>('accepted', 'rejected', 'retry', 'unkept'), {
          minLength: 1,
          maxLength: 40,
        }),
        async (plan) => {
          const verdicts = new Map(plan.map((v, i) => [`t/${i}`, v]));
          const { pipeline, rejected, processed, kept } = scripted(verdicts);
          const run = lambdaBatchRunner({ pipeline, rejected });
          const items = plan.map((_, i) => ({
            seq: i,
            message: { topic: `t/${i}`, payload: new Uint8Array([i]), receivedAt: NOW },
          }));
          const { retry, outcomes } = await run(items);
          const expected = items.filter((_, i) => plan[i] === 'retry' || plan[i] === 'unkept');
          expect(retry).toEqual(expected);
          expect(new Set(retry).size).toBe(retry.length);
          // The handler received the messages decoded back from their SQS records, in order.
          expect(processed).toHaveLength(1);
          expect(processed[0]!.map((m) => m.topic)).toEqual(items.map((i) => i.message.topic));
          expect(outcomes.map((o) => o?.status)).toEqual(plan.map((v) => (v === 'unkept' ? 'rejected' : v)));
          expect(kept.map((o) => o.message.topic)).toEqual(
            items.filter((_, i) => plan[i] === 'rejected').map((i) => i.message.topic),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps each message the same SQS message id across redeliveries', async () => {
    const seen: string[] = [];
    const verdicts = new Map<string, Verdict>([['t/0', 'retry']]);
    const { pipeline, rejected } = scripted(verdicts);
    const run = lambdaBatchRunner({
      pipeline: {
        process: async (messages) => {
          seen.push(...messages.map((m) => m.topic));
          return pipeline.process(messages);
        },
      },
      rejected,
    });
    const item = { seq: 0, message: { topic: 't/0', payload: new Uint8Array(), receivedAt: NOW } };
    const first = await run([item]);
    const second = await run(first.retry);
    expect(second.retry).toEqual([item]);
    expect(seen).toEqual(['t/0', 't/0']);
  });

  it('lets two batchers share one runner without mixing their outcomes', async () => {
    const verdicts = new Map<string, Verdict>([
      ['a/0', 'retry'],
      ['b/0', 'accepted'],
    ]);
    const { rejected } = scripted(verdicts);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = lambdaBatchRunner({
      pipeline: {
        process: async (messages) => {
          // The first batch waits until the second has finished.
          if (messages[0]!.topic === 'a/0') await gate;
          return scripted(verdicts).pipeline.process(messages);
        },
      },
      rejected,
    });
    const a = { seq: 1, message: { topic: 'a/0', payload: new Uint8Array(), receivedAt: NOW } };
    const b = { seq: 2, message: { topic: 'b/0', payload: new Uint8Array(), receivedAt: NOW } };
    const pendingA = run([a]);
    const doneB = await run([b]);
    release();
    const doneA = await pendingA;
    expect(doneB).toEqual({ retry: [], outcomes: [expect.objectContaining({ status: 'accepted' })] });
    expect(doneA.retry).toEqual([a]);
    expect(doneA.outcomes[0]?.status).toBe('retry');
  });
});
