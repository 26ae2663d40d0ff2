import { ServiceUnavailableError } from './errors';

/**
 * Recognises AWS SDK failures that are the service's, not the caller's:
 * throttling, server faults and network failures. Adapters turn them into
 * ServiceUnavailableError, so the caller learns it may retry without learning
 * which service or exception was involved.
 */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'InternalErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when a retry later may succeed: throttling, a 5xx answer, or no answer at all. */
export function isTransientAwsError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as {
    name?: unknown;
    code?: unknown;
    $fault?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null) return true;
  const status = e.$metadata?.httpStatusCode;
  return e.$fault === 'server' || (typeof status === 'number' && status >= 500);
}

/** The SDK error's name (its exception type), or undefined for anything that is not an Error. */
export const awsErrorName = (err: unknown): string | undefined =>
  err instanceof Error ? err.name : undefined;

/** True when a DynamoDB write was refused because its condition did not hold. */
export const isConditionFailed = (err: unknown): boolean =>
  (err as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';

/**
 * The stores' guard: throttling and outages become ServiceUnavailable with
 * `message` (the caller may retry) without naming the service; anything
 * else, a failed condition included, goes up unchanged.
 */
export function unavailableAs(message: string): <T>(request: Promise<T>) => Promise<T> {
  return async (request) => {
    try {
      return await request;
    } catch (cause) {
      if (isTransientAwsError(cause)) throw new ServiceUnavailableError(message, { cause });
      throw cause;
    }
  };
}
