import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  MutationCreateUserArgs,
  MutationDeleteUserArgs,
  MutationUpdateUserArgs,
  QueryUserArgs,
  QueryUsersArgs,
} from '../../core/generated/graphql';
import type { UserService } from '../../core/users';
import { requireGroup } from './auth';
import { areaRouter } from './route';

/**
 * Routes of the profile fields (`me`, `user`, `users`, `createUser`,
 * `updateUser`, `deleteUser`). Each checks the caller's group as the schema
 * does (defence in depth); the service then applies the finer rule that a
 * `user` reaches only its own profile.
 */
export function usersRouter(users: UserService, log?: Logger): Router {
  return areaRouter(log, (on) => {
    on.query('me', async (_args, caller) => users.me(requireGroup(caller, 'admin', 'user')));
    on.query<QueryUserArgs>('user', async (args, caller) =>
      users.user(requireGroup(caller, 'admin', 'user'), args.id),
    );
    on.query<QueryUsersArgs>('users', async (args, caller) =>
      users.users(requireGroup(caller, 'admin'), args.limit, args.nextToken),
    );
    on.mutation<MutationCreateUserArgs>('createUser', async (args, caller) =>
      users.createUser(requireGroup(caller, 'admin'), args.input),
    );
    on.mutation<MutationUpdateUserArgs>('updateUser', async (args, caller) =>
      users.updateUser(requireGroup(caller, 'admin', 'user'), args.input),
    );
    on.mutation<MutationDeleteUserArgs>('deleteUser', async (args, caller) =>
      users.deleteUser(requireGroup(caller, 'admin'), args.id),
    );
  });
}
