import { Logger } from '@aws-lambda-powertools/logger';
import type { AccountService } from '../../core/accounts';
import type { UserService } from '../../core/users';
import { createApi, type Api } from '../../resolvers/api/app';

/**
 * The real API (createApi, with its one error net) over only the profile and
 * account areas, so these can be driven end to end with services built on
 * embedded or in-memory parts and no clients of the other areas.
 */
export function usersAccountsApi(services: { users: UserService; accounts?: AccountService }): Api {
  // Refusals are expected by the dozen in these tests; a silent logger keeps the output readable.
  return createApi({ ...services, logger: new Logger({ logLevel: 'SILENT' }) });
}
