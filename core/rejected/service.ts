import * as z from '../shared/zod';
import type {
  QueryRejectedMessagesArgs,
  RejectedMessage,
  RejectedMessageConnection,
  ReplayResult,
} from '../generated/graphql';
import type { IngestionPipeline } from '../ingestion/pipeline';
import type { MessageOutcome } from '../ingestion/types';
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors';
import { checkDeviceId, isRejectedMessageId } from '../shared/ids';
import type { GraphQLArgs } from '../shared/arguments';
import { pageSize } from '../shared/pagination';
import { parseInput, schemaOnFirstUse } from '../shared/zod-issues';
import { listArgs } from './arguments';
import { toInboundMessage, toRejectedMessage } from './payload';
import type { RejectedMessageStore } from './port';

/** The shape of a single id argument (its pattern is checked after); built once, on first use. */
const anId = schemaOnFirstUse(() => z.string());

export interface RejectedMessageServiceDeps {
  store: RejectedMessageStore;
  /** The same pipeline the processor runs. */
  pipeline: Pick<IngestionPipeline, 'process'>;
  clock?: () => Date;
}

/** Lists, shows and replays the messages the pipeline could not use. */
export class RejectedMessageService {
  constructor(private readonly deps: RejectedMessageServiceDeps) {}

  async list(given: GraphQLArgs<QueryRejectedMessagesArgs>): Promise<RejectedMessageConnection> {
    const args = parseInput(listArgs(), given);
    if (args.deviceId) checkDeviceId(args.deviceId, 'deviceId');
    return this.deps.store.list({
      deviceId: args.deviceId ?? null,
      limit: pageSize(args.limit),
      nextToken: args.nextToken ?? null,
    });
  }

  async get(id: string): Promise<RejectedMessage> {
    checkId(id);
    const message = await this.deps.store.get(id);
    if (!message) throw new NotFoundError(`No rejected message ${id}.`);
    return message;
  }

  /**
   * Runs the message through the pipeline again. Accepted: the rejected
   * message is deleted. Rejected again: its replay count, time and reason are
   * updated. A dependency failure is a ServiceUnavailableError and changes
   * nothing, so the admin can simply try again.
   */
  async replay(id: string): Promise<ReplayResult> {
    const message = await this.get(parseInput(anId(), id, ['id']));
    const [outcome] = await this.deps.pipeline.process([toInboundMessage(message)]);
    if (!outcome || outcome.status === 'retry') {
      throw new ServiceUnavailableError(
        'The replay could not reach the device or telemetry store; try again.',
        {
          cause: outcome?.status === 'retry' ? outcome.cause : undefined,
        },
      );
    }
    if (outcome.status === 'accepted') {
      await this.deps.store.delete(id);
      return { accepted: true, reason: null, message };
    }
    const at = (this.deps.clock ?? (() => new Date()))().toISOString();
    const updated = await this.deps.store.recordReplay(id, at, outcome.reason);
    return { accepted: false, reason: outcome.reason, message: updated };
  }

  /**
   * Keeps the rejected outcomes of a processed batch. Returns the outcomes
   * whose rejection could not be kept: the caller must fail those records so
   * the message comes back rather than vanishing.
   */
  async keep(outcomes: readonly MessageOutcome[]): Promise<Set<MessageOutcome>> {
    const unkept = new Set<MessageOutcome>();
    await Promise.all(
      outcomes.map(async (o) => {
        if (o.status !== 'rejected') return;
        try {
          await this.deps.store.put(toRejectedMessage(o.message, o.deviceId, o.reason));
        } catch {
          unkept.add(o);
        }
      }),
    );
    return unkept;
  }
}

function checkId(id: string): void {
  if (!isRejectedMessageId(id))
    throw new ValidationError({ field: 'id', message: 'is not a rejected message id' });
}
