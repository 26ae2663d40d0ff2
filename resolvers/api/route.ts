import type { Logger } from '@aws-lambda-powertools/logger';
import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { ResolverHandler } from '@aws-lambda-powertools/event-handler/types';
import {
  AppError,
  ServiceUnavailableError,
  toErrorEnvelope,
  type ErrorEnvelope,
} from '../../core/shared/errors';
import type { Caller } from '../../core/shared/identity';
import { logger as defaultLogger } from '../../core/shared/logger';
import { callerOf } from './auth';

/** A route: the field's GraphQL arguments (a generated `Query…Args`/`Mutation…Args` type) and its caller in, data out. */
export type RouteHandler<TArgs> = (args: TArgs, caller: Caller) => Promise<unknown>;

/** Registers the routes of one area. */
export interface Routes {
  query<TArgs extends Args = Args>(field: string, handler: RouteHandler<TArgs>): void;
  mutation<TArgs extends Args = Args>(field: string, handler: RouteHandler<TArgs>): void;
}

type Args = Record<string, unknown>;

/**
 * Whatever a route threw, with the field it was resolving. Powertools picks an
 * exception handler by the error's exact class name (no base classes, no
 * catch-all), so each route hands its failure on as this one class and the
 * API's one exception handler (app.ts) maps it; routes never answer errors
 * themselves.
 */
export class RouteError extends Error {
  override readonly name = 'RouteError';
  constructor(
    readonly fieldName: string,
    override readonly cause: unknown,
  ) {
    super(`${fieldName} failed`, { cause });
  }
}

/**
 * One area's Powertools router. Every route gets its caller from the event's
 * identity (UnauthorizedError without one) and its arguments as AppSync sent
 * them; the service it calls validates them.
 */
export function areaRouter(log: Logger | undefined, define: (routes: Routes) => void): Router {
  const router = new Router(log ? { logger: log } : {});
  const adapt =
    <TArgs extends Args>(field: string, handler: RouteHandler<TArgs>): ResolverHandler<TArgs> =>
    async (args, { event }) => {
      try {
        return await handler(args, callerOf(event));
      } catch (err) {
        throw new RouteError(field, err);
      }
    };
  define({
    query: <TArgs extends Args>(field: string, handler: RouteHandler<TArgs>) =>
      router.onQuery<TArgs>(field, adapt(field, handler)),
    mutation: <TArgs extends Args>(field: string, handler: RouteHandler<TArgs>) =>
      router.onMutation<TArgs>(field, adapt(field, handler)),
  });
  return router;
}

/**
 * The one place an API failure is logged and mapped to what AppSync gets.
 * Typed errors are the caller's to fix, so they are logged at info; an
 * unavailable dependency and anything untyped are ours and are logged whole,
 * while the caller sees only the typed message or the generic one.
 */
export function errorResponse(err: unknown, log: Logger = defaultLogger, fieldName?: string): ErrorEnvelope {
  if (err instanceof ServiceUnavailableError) {
    // The caller may retry, but an outage of a dependency is ours to see, with its cause.
    log.error('A dependency is unavailable', { fieldName, error: err, cause: err.cause as Error });
  } else if (err instanceof AppError) {
    log.info('Request refused', { fieldName, errorType: err.errorType, reason: err.message });
  } else {
    log.error('Unexpected error while resolving a field', { fieldName, error: err as Error });
  }
  return toErrorEnvelope(err);
}
