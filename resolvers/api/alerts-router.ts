import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertService } from '../../core/alerts/alert-service';
import type { Caller } from '../../core/shared/identity';
import { logger as defaultLogger } from '../../core/shared/logger';
import { callerOf, requireBackend, requireGroup } from './auth';
import { enveloped } from './route';

type Args = Record<string, unknown>;

/**
 * Alert fields: `alerts` and `acknowledgeAlert` for admin and user (people
 * read and acknowledge alerts; only admins change the rules, through
 * updateDevice), `notifyAlertChanged` for the backend only.
 */
export function alertsRouter(alerts: AlertService, log: Logger = defaultLogger): Router {
  const router = new Router({ logger: log });
  const on = (
    kind: 'query' | 'mutation',
    field: string,
    handler: (args: Args, caller: Caller) => Promise<unknown>,
  ) =>
    (kind === 'query' ? router.onQuery<Args> : router.onMutation<Args>).call(
      router,
      field,
      enveloped(async (args: Args, { event }) => handler(args, callerOf(event)), log),
    );

  on('query', 'alerts', async (args, caller) => {
    requireGroup(caller, 'admin', 'user');
    return alerts.alerts(args);
  });
  on('mutation', 'acknowledgeAlert', async (args, caller) =>
    alerts.acknowledge(requireGroup(caller, 'admin', 'user'), args.id, args.note),
  );
  on('mutation', 'notifyAlertChanged', async (args, caller) => {
    requireBackend(caller);
    return alerts.alert(args.id);
  });
  return router;
}
