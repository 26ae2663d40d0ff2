import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountService } from '../../core/accounts';
import type {
  MutationAddUserAccountArgs,
  MutationDeleteUserAccountArgs,
  MutationUpdateUserAccountArgs,
  QueryUserAccountsArgs,
  QueryUserRoleArgs,
} from '../../core/generated/graphql';
import { callerOf, requireGroup } from './auth';
import { enveloped } from './route';

/**
 * Routes of the Cognito account fields (`userAccounts`, `userRole`,
 * `addUserAccount`, `updateUserAccount`, `deleteUserAccount`). Each checks
 * the caller's group as the schema does (defence in depth); the service then
 * applies the finer rule that a `user` asks only about its own email.
 */
export function accountsRouter(accounts: AccountService, log?: Logger): Router {
  const router = new Router(log ? { logger: log } : {});

  router.onQuery<QueryUserAccountsArgs>(
    'userAccounts',
    enveloped<QueryUserAccountsArgs>(
      async (args, { event }) =>
        accounts.userAccounts(requireGroup(callerOf(event), 'admin'), args.limit, args.nextToken),
      log,
    ),
  );

  router.onQuery<QueryUserRoleArgs>(
    'userRole',
    enveloped<QueryUserRoleArgs>(
      async (args, { event }) =>
        accounts.userRole(requireGroup(callerOf(event), 'admin', 'user'), args.email),
      log,
    ),
  );

  router.onMutation<MutationAddUserAccountArgs>(
    'addUserAccount',
    enveloped<MutationAddUserAccountArgs>(
      async (args, { event }) => accounts.addUserAccount(requireGroup(callerOf(event), 'admin'), args.input),
      log,
    ),
  );

  router.onMutation<MutationUpdateUserAccountArgs>(
    'updateUserAccount',
    enveloped<MutationUpdateUserAccountArgs>(
      async (args, { event }) =>
        accounts.updateUserAccount(requireGroup(callerOf(event), 'admin'), args.input),
      log,
    ),
  );

  router.onMutation<MutationDeleteUserAccountArgs>(
    'deleteUserAccount',
    enveloped<MutationDeleteUserAccountArgs>(
      async (args, { event }) =>
        accounts.deleteUserAccount(requireGroup(callerOf(event), 'admin'), args.username),
      log,
    ),
  );

  return router;
}
