import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { IngestionPipeline, MessageOutcome } from '../../core/ingestion';
import type { RejectedMessageService } from '../../core/rejected';
import { decodeSqsRecord } from './decode';

export interface BatchLogger {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
}

export interface SqsBatchDeps {
  pipeline: Pick<IngestionPipeline, 'process'>;
  rejected: Pick<RejectedMessageService, 'keep'>;
  logger: BatchLogger;
  /**
   * The queue's `maxReceiveCount`: on a record's last delivery a message that
   * would be retried is kept as a rejected message with its reason instead,
   * so an admin can read and replay it. Omitted = never (the DLQ keeps it).
   */
  maxReceiveCount?: number;
}

/** A record whose message may succeed later: it fails in the partial batch response, SQS redelivers it. */
export class RetryableRecordError extends Error {
  override readonly name = 'RetryableRecordError';
}

/**
 * Handles one SQS batch. The whole batch goes through the pipeline at once,
 * so its records share device lookups and as few WriteRecords calls as the
 * 100-record limit allows; Powertools then reports per record. A record
 * fails only when its message may succeed later (a dependency throttled or
 * down, or its rejection could not be kept); a message that never can is
 * kept as a rejected message and its record succeeds, so it does not loop.
 */
export function createSqsBatchHandler(deps: SqsBatchDeps) {
  return async function handleBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    const decoded = event.Records.map(decodeSqsRecord);
    const runnable = decoded.flatMap((d, i) => (d.ok ? [{ i, message: d.message }] : []));
    let processed: MessageOutcome[];
    try {
      processed = await deps.pipeline.process(runnable.map((r) => r.message));
    } catch (err) {
      // The pipeline promises not to throw; if it does, every record is retried, none is lost.
      deps.logger.error('The ingestion pipeline threw; the batch is retried', { error: err });
      processed = [];
    }

    const outcomes = new Array<MessageOutcome>(decoded.length);
    decoded.forEach((d, i) => {
      if (!d.ok)
        outcomes[i] = {
          status: 'rejected',
          message: d.message,
          deviceId: null,
          reason: d.reason,
          partial: false,
        };
    });
    runnable.forEach(
      (r, k) =>
        (outcomes[r.i] = processed[k] ?? {
          status: 'retry',
          message: r.message,
          deviceId: null,
          reason: 'the pipeline returned no outcome for it',
        }),
    );
    outcomes.forEach((o, i) => {
      const attempts = receiveCount(event.Records[i]!);
      if (o.status === 'retry' && deps.maxReceiveCount !== undefined && attempts >= deps.maxReceiveCount) {
        // The last delivery: a retry now would only move it to the DLQ without its reason.
        outcomes[i] = {
          status: 'rejected',
          message: o.message,
          deviceId: o.deviceId,
          reason: `not processed after ${attempts} attempts: ${o.reason}`,
          partial: false,
        };
      }
    });

    let unkept: Set<MessageOutcome>;
    try {
      unkept = await deps.rejected.keep(outcomes);
    } catch (err) {
      deps.logger.error('Keeping rejected messages failed; they are retried', { error: err });
      unkept = new Set(outcomes.filter((o) => o.status === 'rejected'));
    }
    const failures = new Map<string, string>();
    outcomes.forEach((o, i) => {
      const id = event.Records[i]!.messageId;
      if (o.status === 'retry') {
        failures.set(id, o.reason);
        deps.logger.warn('Message will be retried', {
          messageId: id,
          topic: o.message.topic,
          reason: o.reason,
          error: o.cause,
        });
      } else if (unkept.has(o)) {
        failures.set(id, 'the rejected message could not be kept');
        deps.logger.error('Could not keep a rejected message; it will be retried', {
          messageId: id,
          topic: o.message.topic,
        });
      } else if (o.status === 'rejected') {
        deps.logger.info('Message rejected', {
          messageId: id,
          topic: o.message.topic,
          reason: o.reason,
          partial: o.partial,
        });
      }
    });

    const processor = new BatchProcessor(EventType.SQS);
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const reason = failures.get(record.messageId);
      if (reason !== undefined) throw new RetryableRecordError(reason);
    };
    return processPartialResponse(event, recordHandler, processor, {
      ...(context ? { context } : {}),
      // A batch where every record failed is still a partial response naming them all, not an invocation error.
      throwOnFullBatchFailure: false,
    });
  };
}

/** SQS's count of deliveries of this record, this one included (1 when SQS did not say). */
function receiveCount(record: SQSRecord): number {
  const n = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(n) && n > 0 ? n : 1;
}
