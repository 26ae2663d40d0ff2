import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  MutationReplayRejectedMessageArgs,
  QueryRejectedMessagesArgs,
} from '../../core/generated/graphql';
import type { RejectedMessageService } from '../../core/rejected';
import { logger as defaultLogger } from '../../core/shared/logger';
import { requireGroup } from './auth';
import { areaRouter } from './route';

/** `rejectedMessages` and `replayRejectedMessage`: admin only. */
export function rejectedRouter(rejected: RejectedMessageService, log: Logger = defaultLogger): Router {
  return areaRouter(log, (on) => {
    on.query<QueryRejectedMessagesArgs>('rejectedMessages', async (args, caller) => {
      requireGroup(caller, 'admin');
      return rejected.list(args);
    });
    on.mutation<MutationReplayRejectedMessageArgs>('replayRejectedMessage', async (args, caller) => {
      requireGroup(caller, 'admin');
      return rejected.replay(args.id);
    });
  });
}
