import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  MutationReplayRejectedMessageArgs,
  QueryRejectedMessagesArgs,
} from '../../core/generated/graphql';
import type { RejectedMessageService } from '../../core/rejected';
import { areaRouter } from './route';

/** `rejectedMessages` and `replayRejectedMessage`: admin only. */
export function rejectedRouter(rejected: RejectedMessageService, log?: Logger): Router {
  return areaRouter(log, (on) => {
    on.query<QueryRejectedMessagesArgs>('rejectedMessages', ['admin'], async (args) => rejected.list(args));
    on.mutation<MutationReplayRejectedMessageArgs>('replayRejectedMessage', ['admin'], async (args) =>
      rejected.replay(args.id),
    );
  });
}
