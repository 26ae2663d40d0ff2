import type { Logger } from '@aws-lambda-powertools/logger';
import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { ResolverHandler } from '@aws-lambda-powertools/event-handler/types';
import {
  AppError,
  ServiceUnavailableError,
  toErrorEnvelope,
  type ErrorEnvelope,
} from '../../core/shared/errors';
import type { Caller, Group } from '../../core/shared/identity';
import { logger as defaultLogger } from '../../core/shared/logger';
import { callerOf, requireBackend, requireGroup } from './auth';

/** A signed-in person, as a route for groups gets it. */
export type UserCaller = Extract<Caller, { kind: 'user' }>;
/** The backend itself (IAM-signed), as a backend-only route gets it. */
export type BackendCaller = Extract<Caller, { kind: 'iam' }>;

/**
 * Who may call a field: people in one of the groups, or only the backend.
 * It repeats the schema's auth directives (defence in depth), checked before
 * the route runs, so a misconfigured resolver cannot open an admin field.
 */
export type Access = readonly Group[] | 'backend';

/** A route: the field's GraphQL arguments (a generated `Query…Args`/`Mutation…Args` type) and its checked caller in, data out. */
export type RouteHandler<TArgs, TCaller> = (args: TArgs, caller: TCaller) => Promise<unknown>;

type Args = Record<string, unknown>;

/** Registers one route of an area for a field, with who may call it. */
interface Register {
  <TArgs extends Args = Args>(
    field: string,
    access: readonly Group[],
    handler: RouteHandler<TArgs, UserCaller>,
  ): void;
  <TArgs extends Args = Args>(
    field: string,
    access: 'backend',
    handler: RouteHandler<TArgs, BackendCaller>,
  ): void;
}

/** Registers the routes of one area. */
export interface Routes {
  query: Register;
  mutation: Register;
}

/**
 * Whatever a route threw, with the field it was resolving. Powertools picks an
 * exception handler by the error's exact class name (no base classes, no
 * catch-all), so each route hands its failure on as this one class and the
 * API's one exception handler (app.ts) maps it; routes never answer errors
 * themselves.
 */
export class RouteError extends Error {
  static override readonly name = 'RouteError';
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
 * identity (UnauthorizedError without one), checked against the route's
 * access, and its arguments as AppSync sent them; the service it calls
 * validates them.
 */
export function areaRouter(log: Logger = defaultLogger, define: (routes: Routes) => void): Router {
  const router = new Router({ logger: log });
  const adapt =
    <TArgs extends Args>(
      field: string,
      access: Access,
      handler: RouteHandler<TArgs, UserCaller> | RouteHandler<TArgs, BackendCaller>,
    ): ResolverHandler<TArgs> =>
    async (args, { event }) => {
      try {
        const caller = callerOf(event);
        return access === 'backend'
          ? await (handler as RouteHandler<TArgs, BackendCaller>)(args, requireBackend(caller))
          : await (handler as RouteHandler<TArgs, UserCaller>)(args, requireGroup(caller, ...access));
      } catch (err) {
        throw new RouteError(field, err);
      }
    };
  const query: Register = <TArgs extends Args>(
    field: string,
    access: Access,
    handler: RouteHandler<TArgs, UserCaller> | RouteHandler<TArgs, BackendCaller>,
  ) => router.onQuery<TArgs>(field, adapt(field, access, handler));
  const mutation: Register = <TArgs extends Args>(
    field: string,
    access: Access,
    handler: RouteHandler<TArgs, UserCaller> | RouteHandler<TArgs, BackendCaller>,
  ) => router.onMutation<TArgs>(field, adapt(field, access, handler));
  define({ query, mutation });
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
