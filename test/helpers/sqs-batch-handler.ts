import type { IngestionPipeline } from '../../core/ingestion';
import { RejectedMessageService } from '../../core/rejected';
import { createSqsBatchHandler } from '../../processors/calibration/batch';
import { MemoryRejectedStore } from './memory-rejected-store';

type Process = Pick<IngestionPipeline, 'process'>;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The calibration Lambda's SQS batch handler on `pipeline`, with a queue
 * maxReceiveCount of 5 and rejected messages kept in a MemoryRejectedStore
 * (replayed through `pipeline`). `runs` stands in for the pipeline the
 * handler calls, for tests that make that pipeline fail.
 */
export function sqsBatchHandlerOn(
  pipeline: Process,
  options: { runs?: Process; store?: MemoryRejectedStore } = {},
) {
  const store = options.store ?? new MemoryRejectedStore();
  const handle = createSqsBatchHandler({
    pipeline: options.runs ?? pipeline,
    rejected: new RejectedMessageService({ store, pipeline }),
    logger: silent,
    maxReceiveCount: 5,
  });
  return { handle, store };
}
