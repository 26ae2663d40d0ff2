/** One failure of an API call, as a person should read it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly errorType: string,
    /** Field issues of a ValidationError: `input.sensors.0.min` -> message. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface GraphQLErrorLike {
  message?: string;
  errorType?: string;
  extensions?: { errorType?: string; code?: string } | null;
}

/**
 * Splits the API's ValidationError message (`input.name: must not be empty;
 * input.sensors.0.min: ...`, core/shared/errors.ts) into one message per field.
 */
export function fieldIssues(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of message.split(/;\s+(?=[A-Za-z_][\w.]*:\s)/)) {
    const match = /^([A-Za-z_][\w.]*):\s+(.+)$/s.exec(part.trim());
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

/** What to do about each kind of error, added to the API's own message. */
const ADVICE: Record<string, string> = {
  Unauthorized: 'Your role does not allow this; ask an admin.',
  UnauthorizedException: 'Your session may have ended: sign in again.',
  NotFound: 'It may have been deleted: go back to the list.',
  Conflict: 'Someone changed it meanwhile: reload and try again.',
  ServiceUnavailable: 'A service behind the API failed: try again in a moment.',
  NetworkError: 'Check the connection and try again.',
};

/** Turns whatever Amplify threw or answered into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const errors = (err as { errors?: GraphQLErrorLike[] } | null)?.errors;
  if (Array.isArray(errors) && errors.length) {
    const first = errors[0]!;
    const errorType = first.errorType ?? first.extensions?.errorType ?? first.extensions?.code ?? 'Error';
    const message = errors.map((e) => e.message ?? 'Unknown error').join(' ');
    const fields = errorType === 'ValidationError' ? fieldIssues(message) : {};
    return new ApiError(withAdvice(message, errorType), errorType, fields);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/network|fetch|Failed to fetch/i.test(message))
    return new ApiError(withAdvice(`Could not reach the API (${message}).`, 'NetworkError'), 'NetworkError');
  if (err instanceof Error && /NoSignedUser|UserUnAuthenticated|not authenticated/i.test(err.name + message))
    return new ApiError('You are signed out. Sign in again.', 'UnauthorizedException');
  return new ApiError(message, err instanceof Error ? err.name : 'Error');
}

function withAdvice(message: string, errorType: string): string {
  const advice = ADVICE[errorType];
  return advice ? `${message} ${advice}` : message;
}
