import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  MutationCreateUserArgs,
  MutationDeleteUserArgs,
  MutationUpdateUserArgs,
  QueryUserArgs,
  QueryUsersArgs,
} from '../../core/generated/graphql';
import type { UserService } from '../../core/users';
import { callerOf, requireGroup } from './auth';
import { enveloped } from './route';

/**
 * Routes of the profile fields (`me`, `user`, `users`, `createUser`,
 * `updateUser`, `deleteUser`). Each checks the caller's group as the schema
 * does (defence in depth); the service then applies the finer rule that a
 * `user` reaches only its own profile.
 */
export function usersRouter(users: UserService, log?: Logger): Router {
  const router = new Router(log ? { logger: log } : {});

  router.onQuery(
    'me',
    enveloped(async (_args, { event }) => users.me(requireGroup(callerOf(event), 'admin', 'user')), log),
  );

  router.onQuery<QueryUserArgs>(
    'user',
    enveloped<QueryUserArgs>(
      async (args, { event }) => users.user(requireGroup(callerOf(event), 'admin', 'user'), args.id),
      log,
    ),
  );

  router.onQuery<QueryUsersArgs>(
    'users',
    enveloped<QueryUsersArgs>(
      async (args, { event }) =>
        users.users(requireGroup(callerOf(event), 'admin'), args.limit, args.nextToken),
      log,
    ),
  );

  router.onMutation<MutationCreateUserArgs>(
    'createUser',
    enveloped<MutationCreateUserArgs>(
      async (args, { event }) => users.createUser(requireGroup(callerOf(event), 'admin'), args.input),
      log,
    ),
  );

  router.onMutation<MutationUpdateUserArgs>(
    'updateUser',
    enveloped<MutationUpdateUserArgs>(
      async (args, { event }) => users.updateUser(requireGroup(callerOf(event), 'admin', 'user'), args.input),
      log,
    ),
  );

  router.onMutation<MutationDeleteUserArgs>(
    'deleteUser',
    enveloped<MutationDeleteUserArgs>(
      async (args, { event }) => users.deleteUser(requireGroup(callerOf(event), 'admin'), args.id),
      log,
    ),
  );

  return router;
}
