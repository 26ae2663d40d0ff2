import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod';
import { logger as defaultLogger } from '../../core/shared/logger';
import { parseInput } from '../../core/shared/zod-issues';
import type { TelemetryService } from '../../core/telemetry';
import type { ExportService } from '../../core/telemetry/export';
import { callerOf, requireGroup } from './auth';
import { enveloped } from './route';

type Args = Record<string, unknown>;

const latestArgs = z.object({ deviceId: z.string() });
const readingsArgs = z.object({
  deviceId: z.string(),
  sensor: z.string(),
  from: z.string(),
  to: z.string(),
  interval: z.string().nullish(),
  limit: z.number().int().nullish(),
  nextToken: z.string().nullish(),
  minQuality: z.number().int().nullish(),
});

const exportArgs = z.object({
  deviceId: z.string(),
  sensors: z.array(z.string()).nullish(),
  from: z.string(),
  to: z.string(),
  format: z.enum(['CSV', 'NDJSON']).nullish(),
});

/**
 * `latestReadings`, `readings` and (given the export service) `exportReadings`,
 * for `admin` and `user` (checked again here: defence in depth).
 */
export function telemetryRouter(
  telemetry: TelemetryService,
  log: Logger = defaultLogger,
  exports?: ExportService,
): Router {
  const router = new Router({ logger: log });

  router.onQuery<Args>(
    'latestReadings',
    enveloped(async (args, { event }) => {
      requireGroup(callerOf(event), 'admin', 'user');
      return telemetry.latestReadings(parseInput(latestArgs, args).deviceId);
    }, log),
  );

  router.onQuery<Args>(
    'readings',
    enveloped(async (args, { event }) => {
      requireGroup(callerOf(event), 'admin', 'user');
      const input = parseInput(readingsArgs, args);
      return telemetry.readings({
        deviceId: input.deviceId,
        sensor: input.sensor,
        from: input.from,
        to: input.to,
        interval: input.interval ?? null,
        limit: input.limit ?? null,
        nextToken: input.nextToken ?? null,
        minQuality: input.minQuality ?? null,
      });
    }, log),
  );

  if (exports) {
    router.onQuery<Args>(
      'exportReadings',
      enveloped(async (args, { event }) => {
        requireGroup(callerOf(event), 'admin', 'user');
        const input = parseInput(exportArgs, args);
        return exports.exportReadings({
          deviceId: input.deviceId,
          sensors: input.sensors ?? null,
          from: input.from,
          to: input.to,
          format: input.format ?? null,
        });
      }, log),
    );
  }

  return router;
}
