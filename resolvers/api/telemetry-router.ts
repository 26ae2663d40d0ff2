import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  QueryExportReadingsArgs,
  QueryLatestReadingsArgs,
  QueryReadingsArgs,
} from '../../core/generated/graphql';
import { logger as defaultLogger } from '../../core/shared/logger';
import type { TelemetryService } from '../../core/telemetry';
import type { ExportService } from '../../core/telemetry/export';
import { requireGroup } from './auth';
import { areaRouter } from './route';

/**
 * `latestReadings`, `readings` and (given the export service) `exportReadings`,
 * for `admin` and `user` (checked again here: defence in depth).
 */
export function telemetryRouter(
  telemetry: TelemetryService,
  log: Logger = defaultLogger,
  exports?: ExportService,
): Router {
  return areaRouter(log, (on) => {
    on.query<QueryLatestReadingsArgs>('latestReadings', async (args, caller) => {
      requireGroup(caller, 'admin', 'user');
      return telemetry.latestReadings(args.deviceId);
    });
    on.query<QueryReadingsArgs>('readings', async (args, caller) => {
      requireGroup(caller, 'admin', 'user');
      return telemetry.readings(args);
    });
    if (exports) {
      on.query<QueryExportReadingsArgs>('exportReadings', async (args, caller) => {
        requireGroup(caller, 'admin', 'user');
        return exports.exportReadings(args);
      });
    }
  });
}
