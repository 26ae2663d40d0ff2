/** One page as the stores and services answer a list: items and the token of the next page. */
export interface PageOf<T> {
  items: readonly T[];
  nextToken?: string | null;
}

/** A list that kept answering a next token after {@link allPages}' page limit. */
export class TooManyPagesError extends Error {
  override readonly name = 'TooManyPagesError';
}

/**
 * Follows a paged list from the first page to the one without a next token
 * and returns every page in order. It gives up with TooManyPagesError after
 * `maxPages`, so a list whose token never ends fails the test instead of
 * hanging it.
 */
export async function allPages<T>(
  fetch: (nextToken: string | null) => Promise<PageOf<T>>,
  maxPages = 1_000,
): Promise<PageOf<T>[]> {
  const pages: PageOf<T>[] = [];
  let token: string | null = null;
  do {
    if (pages.length >= maxPages) {
      throw new TooManyPagesError(`still answering a next token after ${maxPages} pages`);
    }
    const page = await fetch(token);
    pages.push(page);
    token = page.nextToken ?? null;
  } while (token);
  return pages;
}

/** Every item of a paged list, in page order (see {@link allPages}). */
export async function allItems<T>(
  fetch: (nextToken: string | null) => Promise<PageOf<T>>,
  maxPages?: number,
): Promise<T[]> {
  return (await allPages(fetch, maxPages)).flatMap((p) => p.items);
}
