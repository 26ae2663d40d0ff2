import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertService } from '../../core/alerts/alert-service';
import type {
  MutationAcknowledgeAlertArgs,
  MutationNotifyAlertChangedArgs,
  QueryAlertsArgs,
} from '../../core/generated/graphql';
import { areaRouter } from './route';

/**
 * Alert fields: `alerts` and `acknowledgeAlert` for admin and user (people
 * read and acknowledge alerts; only admins change the rules, through
 * updateDevice), `notifyAlertChanged` for the backend only.
 */
export function alertsRouter(alerts: AlertService, log?: Logger): Router {
  return areaRouter(log, (on) => {
    on.query<QueryAlertsArgs>('alerts', ['admin', 'user'], async (args) => alerts.alerts(args));
    on.mutation<MutationAcknowledgeAlertArgs>('acknowledgeAlert', ['admin', 'user'], async (args, caller) =>
      alerts.acknowledge(caller, args.id, args.note),
    );
    on.mutation<MutationNotifyAlertChangedArgs>('notifyAlertChanged', 'backend', async (args) =>
      alerts.alert(args.id),
    );
  });
}
