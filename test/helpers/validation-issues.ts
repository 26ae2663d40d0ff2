import { ValidationError, type FieldIssue } from '../../core/shared/errors';

/** `fn` returned, or threw something other than a ValidationError, where a test expected one. */
export class NoValidationError extends Error {
  override readonly name = 'NoValidationError';
}

/**
 * The field issues of the ValidationError that `fn` throws. Any other error
 * is thrown on; returning normally fails with NoValidationError.
 */
export function issuesOf(fn: () => unknown): FieldIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  throw new NoValidationError('expected a ValidationError');
}

/**
 * The issues of the ValidationError `fn` throws as `field: message` lines, or
 * none when `fn` returns: for tests that check valid and invalid input alike.
 */
export function issueLinesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.field}: ${i.message}`);
    throw err;
  }
  return [];
}
