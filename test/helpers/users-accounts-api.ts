import type { Context } from 'aws-lambda';
import { AppSyncGraphQLResolver } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { Logger } from '@aws-lambda-powertools/logger';
import type { AccountService } from '../../core/accounts';
import { isErrorEnvelope, type ErrorEnvelope } from '../../core/shared/errors';
import type { UserService } from '../../core/users';
import { accountsRouter } from '../../resolvers/api/accounts-router';
import { usersRouter } from '../../resolvers/api/users-router';

/**
 * A resolver with only the profile and account routers, built as
 * resolvers/api/app.ts builds the whole API, so these areas can be driven
 * end to end without the other areas' services.
 */
export function usersAccountsApi(services: { users: UserService; accounts?: AccountService }) {
  // Refusals are expected by the dozen in these tests; a silent logger keeps the output readable.
  const log = new Logger({ logLevel: 'SILENT' });
  const app = new AppSyncGraphQLResolver({ logger: log });
  app.includeRouter(usersRouter(services.users, log));
  if (services.accounts) app.includeRouter(accountsRouter(services.accounts, log));
  return {
    resolve: async (event: unknown): Promise<unknown> => app.resolve(event, {} as Context),
  };
}

/** The `__error` of an answer, failing the test when the answer is data. */
export function errorOf(answer: unknown): ErrorEnvelope['__error'] {
  if (!isErrorEnvelope(answer)) throw new Error(`expected an error, got ${JSON.stringify(answer)}`);
  return answer.__error;
}

/** The answer as data, failing the test when it is an error. */
export function dataOf<T>(answer: unknown): T {
  if (isErrorEnvelope(answer)) throw new Error(`expected data, got ${JSON.stringify(answer.__error)}`);
  return answer as T;
}
