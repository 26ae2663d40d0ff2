import { decodeToken, encodeToken } from '../shared/pagination';
import { ValidationError } from '../shared/errors';

/**
 * Range reads page by key (the time of the last item returned), not by a
 * store cursor: the same token works on every adapter, survives a Lambda
 * restart, and a Timestream query token (tied to one query string and
 * short-lived) never leaves the adapter.
 */
interface RangeCursor {
  /** Epoch ms of the last item of the previous page. */
  a: number;
}

/** Epoch ms after which the next page starts, or undefined for the first page. */
export function rangeCursorAfter(token: string | null | undefined): number | undefined {
  const cursor = decodeToken<RangeCursor>(token);
  if (cursor === undefined) return undefined;
  if (typeof cursor.a !== 'number' || !Number.isSafeInteger(cursor.a)) {
    throw new ValidationError({
      field: 'nextToken',
      message: 'is not a token this API issued; pass back nextToken unchanged',
    });
  }
  return cursor.a;
}

/** The token for the page after one whose last item is at `lastTime`. */
export function rangeCursorToken(lastTime: number): string {
  return encodeToken({ a: lastTime } satisfies RangeCursor)!;
}
