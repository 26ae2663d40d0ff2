/** One page of a paged answer, as the API and the stores give it. */
export interface Page<T> {
  items: readonly T[];
  nextToken?: string | null;
}

/** The error of a paged read that did not end within its page bound. */
export class TooManyPagesError extends Error {
  override readonly name = 'TooManyPagesError';
}

/**
 * Reads every page, following nextToken from the first page (asked with
 * `null`) until a page has none, and returns the items in order. Bounded: a
 * store that hands out tokens forever fails after `maxPages` pages instead of
 * running into the test timeout.
 */
export async function allPages<T>(
  page: (nextToken: string | null) => Promise<Page<T>>,
  maxPages = 1_000,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | null = null;
  for (let pages = 0; pages < maxPages; pages++) {
    const answer: Page<T> = await page(token);
    items.push(...answer.items);
    token = answer.nextToken ?? null;
    if (token === null) return items;
  }
  throw new TooManyPagesError(`still a nextToken after ${maxPages} pages`);
}
