import type { AccountService } from '../../core/accounts';
import type { Caller } from '../../core/shared/identity';
import type { UserService } from '../../core/users';

/**
 * Who seeds the admin: the local start acting as an operator in the admin
 * group would in the console, so the account goes through the API's own
 * account service, its checks (the password policy) and its clean-up of a
 * half-made account. No token carries this identity; it never leaves the process.
 */
const LOCAL_START: Caller = { kind: 'user', sub: 'local-start', username: 'local-start', groups: ['admin'] };

/**
 * Creates the admin account on the first start, through core/accounts (the
 * service and Cognito directory the API uses), with a profile so `me`
 * answers for it from the first sign-in. Later starts find the account and
 * leave it as it is. Returns whether it was created.
 */
export async function seedAdmin(options: {
  accounts: AccountService | undefined;
  users: UserService | undefined;
  admin: { email: string; password: string };
  log: (line: string) => void;
}): Promise<boolean> {
  const { accounts, users, admin, log } = options;
  if (!accounts) return false;
  if (await accounts.userRole(LOCAL_START, admin.email)) return false;
  const created = await accounts.addUserAccount(LOCAL_START, {
    email: admin.email,
    password: admin.password,
    role: 'ADMIN',
  });
  log(`[local] created the admin account ${admin.email}`);
  // The pool signs in by email, so the account's username is its sub: the key of its profile.
  const sub = created.username;
  const self: Caller = { kind: 'user', sub, username: sub, groups: ['admin'] };
  await users
    ?.createUser(self, { id: sub, email: admin.email, name: 'Local admin' })
    .catch((err: unknown) => log(`[local] could not create the admin's profile: ${(err as Error).message}`));
  return true;
}
