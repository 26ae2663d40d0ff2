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
import { areaRouter } from './route';

/**
 * Routes of the Cognito account fields (`userAccounts`, `userRole`,
 * `addUserAccount`, `updateUserAccount`, `deleteUserAccount`). Each checks
 * the caller's group as the schema does (defence in depth); the service then
 * applies the finer rule that a `user` asks only about its own email.
 */
export function accountsRouter(accounts: AccountService, log?: Logger): Router {
  return areaRouter(log, (on) => {
    on.query<QueryUserAccountsArgs>('userAccounts', ['admin'], async (args, caller) =>
      accounts.userAccounts(caller, args.limit, args.nextToken),
    );
    on.query<QueryUserRoleArgs>('userRole', ['admin', 'user'], async (args, caller) =>
      accounts.userRole(caller, args.email),
    );
    on.mutation<MutationAddUserAccountArgs>('addUserAccount', ['admin'], async (args, caller) =>
      accounts.addUserAccount(caller, args.input),
    );
    on.mutation<MutationUpdateUserAccountArgs>('updateUserAccount', ['admin'], async (args, caller) =>
      accounts.updateUserAccount(caller, args.input),
    );
    on.mutation<MutationDeleteUserAccountArgs>('deleteUserAccount', ['admin'], async (args, caller) =>
      accounts.deleteUserAccount(caller, args.username),
    );
  });
}
