import type { IngestionPipeline, InboundMessage, MessageOutcome } from '../../core/ingestion';
import type { EmbeddedMqtt } from '../embedded/mqtt';
import { Batcher } from './batcher';
import { DurableInbox, outcomesOf, type InboxItem } from './inbox';

/** The topics the IoT rule forwards to SQS in AWS (CONTRACT.md section 2). */
export const PROCESSOR_TOPICS = ['devices/+/readings', '+/reading/sensor/+', 'devices/+/config/ack'] as const;

export interface LocalProcessorOptions {
  mqtt: Pick<EmbeddedMqtt, 'intake'>;
  pipeline: Pick<IngestionPipeline, 'process'>;
  /** Keeps rejected outcomes; returns those it could not keep (they are retried). */
  keepRejected(outcomes: readonly MessageOutcome[]): Promise<Set<MessageOutcome>>;
  /** Keeps a message that failed every attempt, with the reason (the dead-letter queue's job). */
  keepDeadLetter(message: InboundMessage, reason: string): Promise<void>;
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
 * topics -> durable inbox -> SQS-like batcher -> the same ingestion pipeline
 * the Lambda runs, with partial retries and rejected messages kept.
 */
export async function startLocalProcessor(options: LocalProcessorOptions): Promise<LocalProcessor> {
  const log = options.log ?? (() => undefined);
  const inbox = new DurableInbox(options.inboxDir, options.inboxCompactAfterBytes);
  const stats = { received: 0, accepted: 0, rejected: 0, retried: 0, deadLettered: 0, batches: 0 };
  const lastReason = new Map<InboxItem, string>();

  const batcher = new Batcher<InboxItem>({
    maxBatchSize: options.maxBatchSize ?? 100,
    windowMs: options.windowMs ?? 5_000,
    retryDelayMs: options.retryDelayMs ?? 1_000,
    maxAttempts: options.maxAttempts ?? 5,
    handle: async (items) => {
      stats.batches++;
      // An inbox line damaged on disk is kept as a rejected message with its bytes (outcomesOf).
      const outcomes = await outcomesOf(items, (messages) => options.pipeline.process(messages));
      const unkept = await options.keepRejected(outcomes);
      const retry: InboxItem[] = [];
      const finished: InboxItem[] = [];
      outcomes.forEach((outcome, index) => {
        const item = items[index]!;
        if (outcome.status === 'retry' || unkept.has(outcome)) {
          retry.push(item);
          lastReason.set(
            item,
            outcome.status === 'retry' ? outcome.reason : 'the rejected message could not be kept',
          );
          return;
        }
        finished.push(item);
        lastReason.delete(item);
        if (outcome.status === 'accepted') stats.accepted++;
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
    PROCESSOR_TOPICS.map((pattern) =>
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
