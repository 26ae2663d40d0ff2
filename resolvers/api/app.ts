import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { AppSyncGraphQLResolver, type Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import {
  ConflictError,
  GENERIC_ERROR_MESSAGE,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
  toErrorEnvelope,
  type ErrorEnvelope,
} from '../../core/shared/errors';
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
import { errorResponse } from './route';

/**
 * The services the API routes call, one per domain area; buildApiDeps
 * (deps.ts) builds them all from SDK clients. An area left out has no routes
 * (unit tests build only the one they exercise); its fields then answer with
 * the generic error, and test/integration/api checks that the full wiring
 * routes every field of the schema.
 */
export interface ApiDeps {
  devices: DeviceService;
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

/** Powertools' own answer for an error no handler took: `{ error: "Name - message" }`. */
const isPowertoolsErrorAnswer = (value: unknown): value is { error: string } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  typeof (value as { error?: unknown }).error === 'string';

/** Options of createApi beyond its services. */
export interface CreateApiOptions {
  /** More routers to include after the built-in ones (tests; areas not wired yet). */
  extraRouters?: Router[];
}

/**
 * Builds the API: one Powertools router per domain area, all included in one
 * resolver. Routes built with `enveloped` (route.ts) never throw; the
 * exception handlers and the answer rewrite below are the net for any route
 * that does, so no error reaches a caller as anything but `toErrorEnvelope`.
 */
export function createApi(deps: ApiDeps, options: CreateApiOptions = {}): Api {
  const log = deps.logger ?? defaultLogger;
  const app = new AppSyncGraphQLResolver({ logger: log });

  app.includeRouter(devicesRouter(deps.devices, log, deps.alerts));
  if (deps.users) app.includeRouter(usersRouter(deps.users, log));
  if (deps.accounts) app.includeRouter(accountsRouter(deps.accounts, log));
  if (deps.telemetry) app.includeRouter(telemetryRouter(deps.telemetry, log, deps.exports));
  if (deps.rejected) app.includeRouter(rejectedRouter(deps.rejected, log));
  if (deps.alerts) app.includeRouter(alertsRouter(deps.alerts, log));
  if (deps.quality) app.includeRouter(qualityRouter(deps.quality, log));
  if (options.extraRouters) app.includeRouter(options.extraRouters);

  // Powertools matches exception handlers by exact error name, so each typed error is listed.
  app.exceptionHandler(
    [NotFoundError, ConflictError, ValidationError, UnauthorizedError, ServiceUnavailableError],
    async (err: Error) => toErrorEnvelope(err),
  );

  return {
    async resolve(event: unknown, context: Context = {} as Context): Promise<unknown> {
      let answer: unknown;
      try {
        answer = await app.resolve(event, context);
      } catch (err) {
        // Powertools rethrows ResolverNotFoundException: a field wired in AppSync but not here.
        return errorResponse(err, log, fieldNameOf(event));
      }
      if (isPowertoolsErrorAnswer(answer)) {
        // Powertools has already logged the error object whole with our logger.
        return genericEnvelope();
      }
      return answer;
    },
  };
}

const genericEnvelope = (): ErrorEnvelope => ({
  __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE },
});

const fieldNameOf = (event: unknown): string | undefined => {
  const info = (event as { info?: { fieldName?: unknown } } | null)?.info;
  return typeof info?.fieldName === 'string' ? info.fieldName : undefined;
};
