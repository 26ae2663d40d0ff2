import { Logger } from '@aws-lambda-powertools/logger';
import type { AccountService } from '../../core/accounts';
import type { UserService } from '../../core/users';
import { createApi, type Api } from '../../resolvers/api/app';
import { dataOf, query, type TestIdentity } from '../../testkit/appsync-event';
import type { RequestCounter } from '../../testkit/aws-request-counter';
import { allPages, type PageOf } from '../../testkit/pages';

/**
 * The real API (createApi, with its one error net) over only the profile and
 * account areas, so these can be driven end to end with services built on
 * embedded or in-memory parts and no clients of the other areas.
 */
export function usersAccountsApi(services: { users: UserService; accounts?: AccountService }): Api {
  // Refusals are expected by the dozen in these tests; a silent logger keeps the output readable.
  return createApi({ ...services, logger: new Logger({ logLevel: 'SILENT' }) });
}

/** One page a paged query answered, with the requests the counted client sent while answering it. */
export interface CountedPage<T> {
  page: PageOf<T>;
  requests: Record<string, number>;
}

/**
 * Asks a paged list query (`users`, `userAccounts`) through the API page by
 * page, from the first to the one without a next token (testkit's allPages,
 * so a token that never ends fails the test instead of hanging it), and
 * returns every page with the requests `counter` saw for it alone.
 */
export async function queryEveryPage<T>(
  api: Api,
  field: string,
  options: { limit: number; identity: TestIdentity; counter: RequestCounter },
): Promise<CountedPage<T>[]> {
  const { limit, identity, counter } = options;
  const requests: Record<string, number>[] = [];
  const pages = await allPages<T>(async (nextToken) => {
    counter.reset();
    const page = dataOf<PageOf<T>>(
      await api.resolve(query(field, { limit, ...(nextToken ? { nextToken } : {}) }, { identity })),
    );
    requests.push(counter.counts());
    return page;
  });
  return pages.map((page, i) => ({ page, requests: requests[i]! }));
}
