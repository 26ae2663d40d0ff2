import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import {
  PROCESSOR_TOPIC_FILTERS,
  type IngestionPipeline,
  type InboundMessage,
  type MessageOutcome,
} from '../../core/ingestion';
import type { RejectedMessageService } from '../../core/rejected';
import { createSqsBatchHandler } from '../../processors/calibration/batch';
import { encodeSqsBody } from '../../processors/calibration/decode';
import type { EmbeddedMqtt } from '../embedded/mqtt';
import { Batcher } from './batcher';
import { DurableInbox, outcomesOf, type InboxItem } from './inbox';

export interface LocalProcessorOptions {
  mqtt: Pick<EmbeddedMqtt, 'intake'>;
  pipeline: Pick<IngestionPipeline, 'process'>;
  /** Keeps rejected outcomes (the Lambda's RejectedMessageService); those it cannot keep are retried. */
  rejected: Pick<RejectedMessageService, 'keep'>;
  /** Keeps a message that failed every attempt, with the reason (the dead-letter queue's job). */
  keepDeadLetter(message: InboundMessage, reason: string): Promise<void>;
  /** The topic filters this processor takes (default all of PROCESSOR_TOPIC_FILTERS, the filters the IoT rules forward to SQS in AWS); as in AWS, each path has its own. */
  topics?: readonly string[];
  /** Folder for the write-ahead inbox; omitted = memory only. */
  inboxDir?: string;
  /** Log size after which the inbox is rewritten with only its open messages (tests make it small). */
  inboxCompactAfterBytes?: number;
  maxBatchSize?: number;
  windowMs?: number;
  retryDelayMs?: number;
  maxAttempts?: number;
  log?: (line: string) => void;
}

export interface ProcessorStats {
  received: number;
  accepted: number;
  rejected: number;
  retried: number;
  deadLettered: number;
  batches: number;
  waiting: number;
}

export interface LocalProcessor {
  stats(): ProcessorStats;
  /** Handles everything waiting now (tests; the window otherwise decides). */
  flush(): Promise<void>;
  /**
   * Closes the intake (devices' publishes are refused, not acknowledged to
   * nobody), then handles every accepted message; those that still fail stay
   * in the inbox for the next start: nothing acknowledged is dropped.
   */
  stop(): Promise<void>;
}

/**
 * The calibration processor's local entry: the broker's telemetry and ack
 * topics -> durable inbox -> SQS-like batcher -> the calibration Lambda's SQS
 * batch handler, fed SQS records as the IoT rule writes them (lambdaBatchRunner),
 * with its partial batch failures retried and dead letters kept.
 */
export async function startLocalProcessor(options: LocalProcessorOptions): Promise<LocalProcessor> {
  const log = options.log ?? (() => undefined);
  const inbox = new DurableInbox(options.inboxDir, options.inboxCompactAfterBytes);
  const stats = { received: 0, accepted: 0, rejected: 0, retried: 0, deadLettered: 0, batches: 0 };
  const lastReason = new Map<InboxItem, string>();
  const runBatch = lambdaBatchRunner({ pipeline: options.pipeline, rejected: options.rejected, log });

  const batcher = new Batcher<InboxItem>({
    maxBatchSize: options.maxBatchSize ?? 100,
    windowMs: options.windowMs ?? 5_000,
    retryDelayMs: options.retryDelayMs ?? 1_000,
    maxAttempts: options.maxAttempts ?? 5,
    handle: async (items) => {
      stats.batches++;
      // An inbox line damaged on disk is kept as a rejected message with its bytes (outcomesOf);
      // every readable one goes through the Lambda's batch handler.
      const damaged = items.filter((item) => item.unreadable);
      const run = await runBatch(items.filter((item) => !item.unreadable));
      const damagedOutcomes = await outcomesOf(damaged, async () => []);
      const unkept = damaged.length
        ? await options.rejected.keep(damagedOutcomes)
        : new Set<MessageOutcome>();
      const retry = [...run.retry, ...damaged.filter((_, i) => unkept.has(damagedOutcomes[i]!))];
      const again = new Set(retry);
      const outcomeOf = new Map<InboxItem, MessageOutcome | undefined>();
      items.filter((item) => !item.unreadable).forEach((item, i) => outcomeOf.set(item, run.outcomes[i]));
      damaged.forEach((item, i) => outcomeOf.set(item, damagedOutcomes[i]));
      const finished: InboxItem[] = [];
      items.forEach((item) => {
        const outcome = outcomeOf.get(item);
        if (again.has(item)) {
          lastReason.set(
            item,
            outcome?.status === 'retry' ? outcome.reason : 'the rejected message could not be kept',
          );
          return;
        }
        finished.push(item);
        lastReason.delete(item);
        if (outcome?.status === 'accepted') stats.accepted++;
        else stats.rejected++;
      });
      stats.retried += retry.length;
      inbox.finish(finished);
      return retry;
    },
    onDeadLetter: async (item, attempts) => {
      const reason = `not processed after ${attempts} attempts: ${lastReason.get(item) ?? 'the processor failed'}`;
      lastReason.delete(item);
      try {
        await options.keepDeadLetter(item.message, reason);
        stats.deadLettered++;
        inbox.finish([item]);
      } catch (err) {
        // Left open in the inbox: the next start offers it again.
        log(
          `[processor] could not keep a dead-lettered message on ${item.message.topic}: ${(err as Error).message}`,
        );
      }
    },
    onError: (err) => log(`[processor] batch failed, retrying it: ${(err as Error).message}`),
  });

  for (const item of inbox.recover()) batcher.add(item);
  const closeIntakes = await Promise.all(
    (options.topics ?? PROCESSOR_TOPIC_FILTERS).map((pattern) =>
      options.mqtt.intake(pattern, (topic, payload) => {
        // Synchronous append: the broker sends PUBACK only after this returns (a throw refuses the message).
        const item = inbox.accept({ topic, payload, receivedAt: Date.now() });
        stats.received++;
        batcher.add(item);
      }),
    ),
  );

  return {
    stats: () => ({ ...stats, waiting: batcher.size }),
    flush: () => batcher.flush(),
    async stop() {
      for (const close of closeIntakes) await close();
      const left = await batcher.stop();
      // Still unfinished in the inbox: the next start offers them again (in memory mode they are gone).
      if (left.length)
        log(`[processor] ${left.length} messages still failing; they stay in the inbox for the next start`);
    },
  };
}

/** What the SQS event source would name the queue locally (only for the records' shape). */
const LOCAL_QUEUE_ARN = 'arn:aws:sqs:local:000000000000:yvr-local-calibration-input';

/**
 * Runs a batch as AWS does: each message becomes the SQS record the IoT rule
 * writes (base64 payload, topic, receive time), the calibration Lambda's own
 * batch handler (processors/calibration/batch.ts, decode.ts) handles the
 * event, and its `batchItemFailures` name the messages to offer again. Any
 * number of batchers can each use one (readings batched, acks at once).
 */
export function lambdaBatchRunner(deps: {
  pipeline: Pick<IngestionPipeline, 'process'>;
  rejected: Pick<RejectedMessageService, 'keep'>;
  log?: (line: string) => void;
}): <T extends { message: InboundMessage }>(
  items: readonly T[],
) => Promise<{ retry: T[]; outcomes: (MessageOutcome | undefined)[] }> {
  const log = deps.log ?? (() => undefined);
  const logger = {
    warn: (message: string, ...extra: unknown[]) => log(`[processor] ${message} ${brief(extra)}`),
    error: (message: string, ...extra: unknown[]) => log(`[processor] ${message} ${brief(extra)}`),
    // Rejections are kept and listed by the API; one line each would flood the console.
    info: () => undefined,
  };
  // SQS keeps a message's id across redeliveries; so does this.
  const ids = new WeakMap<object, string>();
  return async (items) => {
    // The handler's outcomes are not in its response; the stats want them, so the pipeline is watched
    // (one handler per batch, so batchers sharing this runner never mix their outcomes).
    let seen: MessageOutcome[] = [];
    const handle = createSqsBatchHandler({
      pipeline: {
        process: async (messages) => (seen = await deps.pipeline.process(messages)),
      },
      rejected: deps.rejected,
      logger,
    });
    const byId = new Map<string, (typeof items)[number]>();
    const records = items.map((item): SQSRecord => {
      let id = ids.get(item);
      if (!id) ids.set(item, (id = randomUUID()));
      byId.set(id, item);
      const sent = String(item.message.receivedAt);
      return {
        messageId: id,
        receiptHandle: id,
        body: encodeSqsBody(item.message),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: sent,
          SenderId: 'iot.amazonaws.com',
          ApproximateFirstReceiveTimestamp: sent,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: LOCAL_QUEUE_ARN,
        awsRegion: 'local',
      };
    });
    const response = await handle({ Records: records });
    const retry = response.batchItemFailures.flatMap((f) => {
      const item = byId.get(f.itemIdentifier);
      return item ? [item] : [];
    });
    // Every record decodes locally (its envelope is made here), so outcomes line up with items.
    const outcomes = seen.length === items.length ? seen : items.map(() => undefined);
    return { retry, outcomes };
  };
}

function brief(extra: unknown[]): string {
  const first = extra[0] as { reason?: unknown; topic?: unknown } | undefined;
  return first && typeof first === 'object'
    ? `(${String(first.topic ?? '')}: ${String(first.reason ?? '')})`
    : '';
}
