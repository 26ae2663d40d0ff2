import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  MutationAddMaintenanceNoteArgs,
  MutationRecalibrateReadingsArgs,
  QueryCalibrationLogArgs,
} from '../../core/generated/graphql';
import type { QualityService } from '../../core/quality/service';
import { logger as defaultLogger } from '../../core/shared/logger';
import { requireGroup } from './auth';
import { areaRouter } from './route';

/** `calibrationLog` for admin and user; `addMaintenanceNote` and `recalibrateReadings` for admin. */
export function qualityRouter(quality: QualityService, log: Logger = defaultLogger): Router {
  return areaRouter(log, (on) => {
    on.query<QueryCalibrationLogArgs>('calibrationLog', async (args, caller) => {
      requireGroup(caller, 'admin', 'user');
      return quality.calibrationLog(args);
    });
    on.mutation<MutationAddMaintenanceNoteArgs>('addMaintenanceNote', async (args, caller) =>
      quality.addMaintenanceNote(args, requireGroup(caller, 'admin').username),
    );
    on.mutation<MutationRecalibrateReadingsArgs>('recalibrateReadings', async (args, caller) =>
      quality.recalibrateReadings(args, requireGroup(caller, 'admin').username),
    );
  });
}
