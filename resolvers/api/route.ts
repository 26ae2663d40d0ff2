import type { AppSyncResolverEvent, Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  AppError,
  ServiceUnavailableError,
  toErrorEnvelope,
  type ErrorEnvelope,
} from '../../core/shared/errors';
import { logger as defaultLogger } from '../../core/shared/logger';

/** What a route receives besides its arguments, as Powertools passes it. */
export interface RouteOptions<TArgs> {
  event: AppSyncResolverEvent<TArgs>;
  context: Context;
}

/**
 * Wraps a route handler so that whatever it throws comes back as the `__error`
 * envelope. Powertools would otherwise answer `"Name - message"`, which leaks
 * internal class names and SDK messages to the caller.
 */
export function enveloped<TArgs extends Record<string, unknown>>(
  handler: (args: TArgs, options: RouteOptions<TArgs>) => Promise<unknown>,
  log: Logger = defaultLogger,
): (args: TArgs, options: RouteOptions<TArgs>) => Promise<unknown> {
  return async (args, options) => {
    try {
      return await handler(args, options);
    } catch (err) {
      return errorResponse(err, log, options?.event?.info?.fieldName);
    }
  };
}

/**
 * The one place an API failure is logged and mapped. Typed errors are the
 * caller's to fix, so they are logged at info; an unavailable dependency and
 * anything untyped are ours and are logged whole, while the caller sees only
 * the typed message or the generic one.
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
