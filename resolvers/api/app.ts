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
import { devicesRouter } from './devices-router';
import { errorResponse } from './route';

/**
 * The services the API routes call. Each domain area adds its own field here
 * when its router lands; buildApiDeps (deps.ts) builds them from SDK clients.
 */
export interface ApiDeps {
  devices: DeviceService;
  // TODO(users/accounts engineer): users: UserService; accounts: AccountService  (resolvers/api/users-router.ts, accounts-router.ts)
  // TODO(telemetry engineer): telemetry: TelemetryService; rejected: RejectedMessageService  (resolvers/api/telemetry-router.ts, rejected-router.ts)
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

  app.includeRouter(devicesRouter(deps.devices, log));
  // TODO(users/accounts engineer): app.includeRouter(usersRouter(deps.users, log));       // resolvers/api/users-router.ts
  // TODO(users/accounts engineer): app.includeRouter(accountsRouter(deps.accounts, log)); // resolvers/api/accounts-router.ts
  // TODO(telemetry engineer): app.includeRouter(telemetryRouter(deps.telemetry, log));    // resolvers/api/telemetry-router.ts
  // TODO(telemetry engineer): app.includeRouter(rejectedRouter(deps.rejected, log));      // resolvers/api/rejected-router.ts
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
