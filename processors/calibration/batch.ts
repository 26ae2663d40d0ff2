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
    const processed = await deps.pipeline.process(runnable.map((r) => r.message));

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
    runnable.forEach((r, k) => (outcomes[r.i] = processed[k]!));

    const unkept = await deps.rejected.keep(outcomes);
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
