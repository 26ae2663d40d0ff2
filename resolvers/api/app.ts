import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { AppSyncGraphQLResolver } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { logger as defaultLogger } from '../../core/shared/logger';
import type { DeviceService } from '../../core/devices';
import type { AccountService } from '../../core/accounts';
import type { UserService } from '../../core/users';
import type { RejectedMessageService } from '../../core/rejected';
import type { TelemetryService } from '../../core/telemetry/service';
import type { ExportService } from '../../core/telemetry/export/service';
import type { AlertService } from '../../core/alerts/alert-service';
import type { QualityService } from '../../core/quality/service';
import { accountsRouter } from './accounts-router';
import { alertsRouter } from './alerts-router';
import { devicesRouter } from './devices-router';
import { rejectedRouter } from './rejected-router';
import { telemetryRouter } from './telemetry-router';
import { qualityRouter } from './quality-router';
import { usersRouter } from './users-router';
import { RouteError, errorResponse } from './route';

/**
 * The services the API routes call, one per domain area; buildApiDeps
 * (deps.ts) builds the areas asked for from SDK clients. An area left out has
 * no routes (tests build only the ones they exercise); its fields then answer
 * with the generic error, and test/integration/api checks that the full
 * wiring routes every field of the schema.
 */
export interface ApiDeps {
  devices?: DeviceService;
  users?: UserService;
  accounts?: AccountService;
  telemetry?: TelemetryService;
  /** `exportReadings`; routed with the telemetry area. */
  exports?: ExportService;
  rejected?: RejectedMessageService;
  alerts?: AlertService;
  quality?: QualityService;
  logger?: Logger;
}

/** The API's single entry: an AppSync direct Lambda resolver event in, a field's value or an `__error` envelope out. */
export interface Api {
  resolve(event: unknown, context?: Context): Promise<unknown>;
}

/**
 * Builds the API: one Powertools router per domain area, all included in one
 * resolver, and one error net: Powertools' exception handler for RouteError,
 * the one class every route's failure reaches it as (route.ts), mapped by
 * `errorResponse`. No error reaches a caller as anything but `toErrorEnvelope`.
 */
export function createApi(deps: ApiDeps): Api {
  const log = deps.logger ?? defaultLogger;
  // errorResponse logs each failure once, at its level (a refusal at info); Powertools' own
  // "An error occurred in handler" line would repeat every refusal at error level, so it goes to debug.
  const app = new AppSyncGraphQLResolver({
    logger: {
      debug: log.debug.bind(log),
      info: log.info.bind(log),
      warn: log.warn.bind(log),
      error: log.debug.bind(log),
    },
  });

  if (deps.devices) app.includeRouter(devicesRouter(deps.devices, log, deps.alerts));
  if (deps.users) app.includeRouter(usersRouter(deps.users, log));
  if (deps.accounts) app.includeRouter(accountsRouter(deps.accounts, log));
  if (deps.telemetry) app.includeRouter(telemetryRouter(deps.telemetry, log, deps.exports));
  if (deps.rejected) app.includeRouter(rejectedRouter(deps.rejected, log));
  if (deps.alerts) app.includeRouter(alertsRouter(deps.alerts, log));
  if (deps.quality) app.includeRouter(qualityRouter(deps.quality, log));

  app.exceptionHandler(RouteError, async (err) => errorResponse(err.cause, log, err.fieldName));

  return {
    async resolve(event: unknown, context: Context = {} as Context): Promise<unknown> {
      try {
        return await app.resolve(event, context);
      } catch (err) {
        // Powertools rethrows ResolverNotFoundException (a field wired in AppSync but not routed
        // here) past its exception handlers; it is answered by the same errorResponse.
        return errorResponse(err, log, fieldNameOf(event));
      }
    },
  };
}

const fieldNameOf = (event: unknown): string | undefined => {
  const info = (event as { info?: { fieldName?: unknown } } | null)?.info;
  return typeof info?.fieldName === 'string' ? info.fieldName : undefined;
};
