import { ValidationError } from './errors';

/** A page of items with an opaque token for the next one, as every connection in the API returns. */
export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** Checks a `limit` argument: 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
export function pageSize(limit: number | null | undefined, field = 'limit'): number {
  if (limit === null || limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError({ field, message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  return limit;
}

/** Encodes a store's continuation key (e.g. DynamoDB LastEvaluatedKey) as an opaque URL-safe token. */
export function encodeToken(key: unknown): string | null {
  if (key === undefined || key === null) return null;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a token made by encodeToken; a malformed one is a ValidationError on `field`. */
export function decodeToken<T = Record<string, unknown>>(
  token: string | null | undefined,
  field = 'nextToken',
): T | undefined {
  if (token === null || token === undefined || token === '') return undefined;
  if (token.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new ValidationError({
      field,
      message: 'is not a token this API issued; pass back nextToken unchanged',
    });
  }
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value as T;
  } catch (cause) {
    throw new ValidationError(
      { field, message: 'is not a token this API issued; pass back nextToken unchanged' },
      { cause },
    );
  }
}
