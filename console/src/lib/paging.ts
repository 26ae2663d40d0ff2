import type { Api } from './api';
import type { DocumentName } from '../graphql/documents';
import type { Connection } from './types';

/**
 * Every item of a paged query, page by page (the API pages with nextToken; it
 * never scans), stopping once `max` items are in so a runaway list cannot
 * hold the page forever.
 */
export async function allPages<T>(
  api: Api,
  name: DocumentName,
  variables: Record<string, unknown> & { limit: number },
  max: number,
): Promise<T[]> {
  const out: T[] = [];
  let nextToken: string | null = null;
  do {
    const page: Connection<T> = await api.request(name, { ...variables, nextToken });
    out.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken && out.length < max);
  return out;
}
