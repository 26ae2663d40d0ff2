import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  MutationAddMaintenanceNoteArgs,
  MutationRecalibrateReadingsArgs,
  QueryCalibrationLogArgs,
} from '../../core/generated/graphql';
import type { QualityService } from '../../core/quality/service';
import { areaRouter } from './route';

/** `calibrationLog` for admin and user; `addMaintenanceNote` and `recalibrateReadings` for admin. */
export function qualityRouter(quality: QualityService, log?: Logger): Router {
  return areaRouter(log, (on) => {
    on.query<QueryCalibrationLogArgs>('calibrationLog', ['admin', 'user'], async (args) =>
      quality.calibrationLog(args),
    );
    on.mutation<MutationAddMaintenanceNoteArgs>('addMaintenanceNote', ['admin'], async (args, caller) =>
      quality.addMaintenanceNote(args, caller.username),
    );
    on.mutation<MutationRecalibrateReadingsArgs>('recalibrateReadings', ['admin'], async (args, caller) =>
      quality.recalibrateReadings(args, caller.username),
    );
  });
}
