import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  QueryExportReadingsArgs,
  QueryLatestReadingsArgs,
  QueryReadingsArgs,
} from '../../core/generated/graphql';
import type { TelemetryService } from '../../core/telemetry';
import type { ExportService } from '../../core/telemetry/export';
import { areaRouter } from './route';

/**
 * `latestReadings`, `readings` and (given the export service) `exportReadings`,
 * for `admin` and `user` (checked again here: defence in depth).
 */
export function telemetryRouter(telemetry: TelemetryService, log?: Logger, exports?: ExportService): Router {
  const people = ['admin', 'user'] as const;
  return areaRouter(log, (on) => {
    on.query<QueryLatestReadingsArgs>('latestReadings', people, async (args) =>
      telemetry.latestReadings(args.deviceId),
    );
    on.query<QueryReadingsArgs>('readings', people, async (args) => telemetry.readings(args));
    if (exports) {
      on.query<QueryExportReadingsArgs>('exportReadings', people, async (args) =>
        exports.exportReadings(args),
      );
    }
  });
}
