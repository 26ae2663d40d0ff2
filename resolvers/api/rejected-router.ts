import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import type { RejectedMessageService } from '../../core/rejected';
import { logger as defaultLogger } from '../../core/shared/logger';
import { parseInput } from '../../core/shared/zod-issues';
import { callerOf, requireGroup } from './auth';
import { enveloped } from './route';

type Args = Record<string, unknown>;

const listArgs = z.object({
  deviceId: z.string().nullish(),
  limit: z.number().int().nullish(),
  nextToken: z.string().nullish(),
});
const replayArgs = z.object({ id: z.string() });

/** `rejectedMessages` and `replayRejectedMessage`: admin only. */
export function rejectedRouter(rejected: RejectedMessageService, log: Logger = defaultLogger): Router {
  const router = new Router({ logger: log });

  router.onQuery<Args>(
    'rejectedMessages',
    enveloped(async (args, { event }) => {
      requireGroup(callerOf(event), 'admin');
      return rejected.list(parseInput(listArgs, args));
    }, log),
  );

  router.onMutation<Args>(
    'replayRejectedMessage',
    enveloped(async (args, { event }) => {
      requireGroup(callerOf(event), 'admin');
      return rejected.replay(parseInput(replayArgs, args).id);
    }, log),
  );

  return router;
}
