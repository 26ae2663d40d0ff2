/**
 * Named errors that services throw. Each carries the GraphQL `errorType` the
 * caller sees; `toErrorEnvelope` is the one place that turns any thrown value
 * into what the API returns, so internal names and stack traces never leak.
 */
export type ErrorType = 'NotFound' | 'Conflict' | 'ValidationError' | 'Unauthorized' | 'ServiceUnavailable';

// The bundles are minified without keepNames (infra/constructs/bundled-function.ts), which
// renames classes: each error spells out its `name` so logs read the same in a bundle. Only a
// class registered with Powertools' exceptionHandler also needs a static name (RouteError).
export abstract class AppError extends Error {
  abstract readonly errorType: ErrorType;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly errorType = 'NotFound' as const;
}

export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  readonly errorType = 'Conflict' as const;
}

export class UnauthorizedError extends AppError {
  override readonly name = 'UnauthorizedError';
  readonly errorType = 'Unauthorized' as const;
}

/** A dependency (DynamoDB, Cognito, IoT, Timestream) failed; the caller may retry. */
export class ServiceUnavailableError extends AppError {
  override readonly name = 'ServiceUnavailableError';
  readonly errorType = 'ServiceUnavailable' as const;
}

export interface FieldIssue {
  /** Dotted path of the offending input field, e.g. `input.sensors.0.min`. */
  field: string;
  /** What is wrong and what is allowed, written for a person. */
  message: string;
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly errorType = 'ValidationError' as const;
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[] | FieldIssue, options?: { cause?: unknown }) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map((i) => `${i.field}: ${i.message}`).join('; '), options);
    this.issues = list;
  }
}

/** What the API Lambda returns instead of data when a field fails. */
export interface ErrorEnvelope {
  __error: { errorType: ErrorType | 'InternalError'; message: string };
}

export const GENERIC_ERROR_MESSAGE =
  'Something went wrong on our side. Try again; if it keeps failing, contact support.';

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return typeof value === 'object' && value !== null && '__error' in value;
}

/** Maps any thrown value to the envelope: typed errors keep their message, anything else becomes generic. */
export function toErrorEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof AppError) {
    return { __error: { errorType: err.errorType, message: err.message } };
  }
  return { __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE } };
}
