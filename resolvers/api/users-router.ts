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
import { areaRouter } from './route';

/**
 * Routes of the profile fields (`me`, `user`, `users`, `createUser`,
 * `updateUser`, `deleteUser`). Each checks the caller's group as the schema
 * does (defence in depth); the service then applies the finer rule that a
 * `user` reaches only its own profile.
 */
export function usersRouter(users: UserService, log?: Logger): Router {
  return areaRouter(log, (on) => {
    on.query('me', ['admin', 'user'], async (_args, caller) => users.me(caller));
    on.query<QueryUserArgs>('user', ['admin', 'user'], async (args, caller) => users.user(caller, args.id));
    on.query<QueryUsersArgs>('users', ['admin'], async (args, caller) =>
      users.users(caller, args.limit, args.nextToken),
    );
    on.mutation<MutationCreateUserArgs>('createUser', ['admin'], async (args, caller) =>
      users.createUser(caller, args.input),
    );
    on.mutation<MutationUpdateUserArgs>('updateUser', ['admin', 'user'], async (args, caller) =>
      users.updateUser(caller, args.input),
    );
    on.mutation<MutationDeleteUserArgs>('deleteUser', ['admin'], async (args, caller) =>
      users.deleteUser(caller, args.id),
    );
  });
}
