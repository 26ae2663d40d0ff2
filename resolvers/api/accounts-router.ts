import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountService } from '../../core/accounts';
import type {
  MutationAddUserAccountArgs,
  MutationDeleteUserAccountArgs,
  MutationUpdateUserAccountArgs,
  QueryUserAccountsArgs,
  QueryUserRoleArgs,
} from '../../core/generated/graphql';
import { requireGroup } from './auth';
import { areaRouter } from './route';

/**
 * Routes of the Cognito account fields (`userAccounts`, `userRole`,
 * `addUserAccount`, `updateUserAccount`, `deleteUserAccount`). Each checks
 * the caller's group as the schema does (defence in depth); the service then
 * applies the finer rule that a `user` asks only about its own email.
 */
export function accountsRouter(accounts: AccountService, log?: Logger): Router {
  return areaRouter(log, (on) => {
    on.query<QueryUserAccountsArgs>('userAccounts', async (args, caller) =>
      accounts.userAccounts(requireGroup(caller, 'admin'), args.limit, args.nextToken),
    );
    on.query<QueryUserRoleArgs>('userRole', async (args, caller) =>
      accounts.userRole(requireGroup(caller, 'admin', 'user'), args.email),
    );
    on.mutation<MutationAddUserAccountArgs>('addUserAccount', async (args, caller) =>
      accounts.addUserAccount(requireGroup(caller, 'admin'), args.input),
    );
    on.mutation<MutationUpdateUserAccountArgs>('updateUserAccount', async (args, caller) =>
      accounts.updateUserAccount(requireGroup(caller, 'admin'), args.input),
    );
    on.mutation<MutationDeleteUserAccountArgs>('deleteUserAccount', async (args, caller) =>
      accounts.deleteUserAccount(requireGroup(caller, 'admin'), args.username),
    );
  });
}
