import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import type { QualityService } from '../../core/quality/service';
import type { Caller } from '../../core/shared/identity';
import { logger as defaultLogger } from '../../core/shared/logger';
import { parseInput } from '../../core/shared/zod-issues';
import { callerOf, requireGroup } from './auth';
import { enveloped } from './route';

type Args = Record<string, unknown>;

const logArgs = z.object({
  deviceId: z.string(),
  sensorId: z.string().nullish(),
  limit: z.number().int().nullish(),
  nextToken: z.string().nullish(),
});
const noteArgs = z.object({
  deviceId: z.string(),
  sensorId: z.string().nullish(),
  kind: z.string(),
  note: z.string().nullish(),
  references: z.array(z.object({ reference: z.number(), measured: z.number() })).nullish(),
});
const recalibrateArgs = z.object({
  deviceId: z.string(),
  sensorId: z.string(),
  from: z.string(),
  to: z.string(),
  version: z.number().int().nullish(),
});

const actorOf = (caller: Extract<Caller, { kind: 'user' }>): string => caller.username;

/** `calibrationLog` for admin and user; `addMaintenanceNote` and `recalibrateReadings` for admin. */
export function qualityRouter(quality: QualityService, log: Logger = defaultLogger): Router {
  const router = new Router({ logger: log });

  router.onQuery<Args>(
    'calibrationLog',
    enveloped(async (args, { event }) => {
      requireGroup(callerOf(event), 'admin', 'user');
      return quality.calibrationLog(parseInput(logArgs, args));
    }, log),
  );

  router.onMutation<Args>(
    'addMaintenanceNote',
    enveloped(async (args, { event }) => {
      const caller = requireGroup(callerOf(event), 'admin');
      return quality.addMaintenanceNote(parseInput(noteArgs, args), actorOf(caller));
    }, log),
  );

  router.onMutation<Args>(
    'recalibrateReadings',
    enveloped(async (args, { event }) => {
      const caller = requireGroup(callerOf(event), 'admin');
      return quality.recalibrateReadings(parseInput(recalibrateArgs, args), actorOf(caller));
    }, log),
  );

  return router;
}
