import type {
  AddUserAccountInput,
  Role,
  UpdateUserAccountInput,
  UserAccount,
  UserAccountConnection,
} from '../generated/graphql';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors';
import { callerGuards, type Caller } from '../shared/identity';
import { logger as defaultLogger } from '../shared/logger';
import { parseInput } from '../shared/zod-issues';
import type { UserStore } from '../users/user-store';
import { emailSchema } from '../users/user-validation';
import {
  MAX_ACCOUNT_PAGE,
  type Account,
  type AccountDirectory,
  type AccountGroup,
} from './account-directory';
import {
  ROLE_GROUP,
  addUserAccountInputSchema,
  updateUserAccountInputSchema,
  usernameSchema,
} from './account-validation';

/** What the account service needs of the profile store: keep a profile's email in step, and drop it. */
export type LinkedProfiles = Pick<UserStore, 'updateEmail' | 'delete'>;

export interface AccountServiceOptions {
  directory: AccountDirectory;
  profiles: LinkedProfiles;
  clock?: () => Date;
  logger?: Pick<typeof defaultLogger, 'warn' | 'error'>;
}

export const DEFAULT_ACCOUNT_PAGE = 25;

/** ADMIN outranks USER when an account is, by mistake, in both groups; no group = no role. */
export function roleOf(groups: Iterable<AccountGroup>): Role | null {
  const set = new Set(groups);
  if (set.has('admin')) return 'ADMIN';
  if (set.has('user')) return 'USER';
  return null;
}

const toUserAccount = (account: Account, role: Role | null): UserAccount => ({
  username: account.username,
  email: account.email,
  role,
  status: account.status,
  enabled: account.enabled,
  createdAt: account.createdAt,
  updatedAt: account.updatedAt,
});

/**
 * Cognito accounts, administered through the API (the old "users info",
 * "role" and "add/update/delete user" functions). Admin only, except
 * userRole, which a user may ask about its own email.
 */
export class AccountService {
  readonly #directory: AccountDirectory;
  readonly #profiles: LinkedProfiles;
  readonly #clock: () => Date;
  readonly #logger: Pick<typeof defaultLogger, 'warn' | 'error'>;

  constructor(options: AccountServiceOptions) {
    this.#directory = options.directory;
    this.#profiles = options.profiles;
    this.#clock = options.clock ?? (() => new Date());
    this.#logger = options.logger ?? defaultLogger;
  }

  /**
   * Admin: one page of accounts with their roles. Cost per page: 1 ListUsers
   * plus the members of both groups (1 ListUsersInGroup each per 60 members),
   * all three in parallel: constant for this pool's size (tens of staff),
   * where asking each account's groups would cost one call per account.
   */
  async userAccounts(
    caller: Caller,
    limit?: number | null,
    nextToken?: string | null,
  ): Promise<UserAccountConnection> {
    requireAdmin(caller);
    const size = accountPageSize(limit);
    if (nextToken !== null && nextToken !== undefined && nextToken.length > 4096) {
      throw new ValidationError({
        field: 'nextToken',
        message: 'is not a token from this query; pass back the nextToken it returned, unchanged',
      });
    }
    const [page, admins, users] = await Promise.all([
      // An empty token is no token, as decodeToken treats it for the other connections.
      this.#directory.list(size, nextToken || null),
      this.#directory.membersOf('admin'),
      this.#directory.membersOf('user'),
    ]);
    return {
      items: page.accounts.map((account) => {
        const groups: AccountGroup[] = [];
        if (admins.has(account.username)) groups.push('admin');
        if (users.has(account.username)) groups.push('user');
        return toUserAccount(account, roleOf(groups));
      }),
      nextToken: page.nextToken,
    };
  }

  /**
   * Admin: the account with this email and its role, or null. A user may ask
   * only about its own email; asking about another, existing or not, is
   * Unauthorized, so the answer never tells who has an account.
   */
  async userRole(caller: Caller, email: string): Promise<UserAccount | null> {
    const signedIn = requireSignedIn(caller);
    const address = parseInput(emailSchema(), email, ['email']);
    const admin = signedIn.groups.includes('admin');
    // Access tokens (what Amplify sends) carry no email claim; then the account found decides.
    if (!admin && signedIn.email !== undefined && !sameEmail(signedIn.email, address)) {
      throw notOwnEmail();
    }
    const account = await this.#directory.findByEmail(address);
    if (!account) {
      if (admin) return null;
      throw notOwnEmail();
    }
    if (!admin && account.sub !== signedIn.sub && account.username !== signedIn.username) throw notOwnEmail();
    return toUserAccount(account, roleOf(await this.#directory.groupsOf(account.username)));
  }

  /**
   * Admin: creates an account in its role's group. With a password, the
   * password is set as permanent and no invitation goes out; without one,
   * Cognito mails a temporary password. A failure after the account exists
   * removes it again, so a retry does not meet a half-made account.
   */
  async addUserAccount(caller: Caller, input: AddUserAccountInput): Promise<UserAccount> {
    requireAdmin(caller);
    const values = parseInput(addUserAccountInputSchema(), input, ['input']);
    const created = await this.#directory.create({
      email: values.email,
      sendInvitation: values.password === undefined,
    });
    try {
      await this.#directory.addToGroup(created.username, ROLE_GROUP[values.role]);
      if (values.password !== undefined) await this.#directory.setPassword(created.username, values.password);
    } catch (err) {
      await this.#directory.delete(created.username).catch((cleanupErr: unknown) => {
        this.#logger.error('Could not remove a half-created account', {
          username: created.username,
          error: cleanupErr as Error,
        });
      });
      throw err;
    }
    return toUserAccount(
      values.password === undefined ? created : { ...created, status: 'CONFIRMED' },
      values.role,
    );
  }

  /**
   * Admin: changes only the fields given. A new email changes the sign-in
   * name in Cognito and the linked profile's email (the profile is keyed by
   * the account's sub, which never changes). A role change moves the account
   * between groups, leaving the old group first: a half-done move leaves
   * fewer rights, never more.
   */
  async updateUserAccount(caller: Caller, input: UpdateUserAccountInput): Promise<UserAccount> {
    requireAdmin(caller);
    const values = parseInput(updateUserAccountInputSchema(), input, ['input']);
    const [account, groups] = await this.#existingAccount(values.username);
    const username = account.username;
    let current: Account = account;
    let role = roleOf(groups);
    let changed = false;

    if (values.email !== undefined) {
      if (values.email !== account.email) {
        // Cognito refuses a taken email too, but cognito-local does not: asking first keeps both honest.
        const holder = await this.#directory.findByEmail(values.email);
        if (holder && holder.username !== username) {
          throw new ConflictError('Another account already uses this email.');
        }
        await this.#directory.setEmail(username, values.email);
        current = { ...current, email: values.email };
        changed = true;
      }
      // Also when Cognito already has the email: a retry after a failed profile
      // write must still relink the profile. The write is conditional and idempotent.
      await this.#profiles.updateEmail(account.sub, values.email, this.#clock().toISOString());
    }

    if (values.role !== undefined && values.role !== role) {
      const target = ROLE_GROUP[values.role];
      for (const group of groups) {
        if (group !== target) await this.#directory.removeFromGroup(username, group);
      }
      if (!groups.includes(target)) await this.#directory.addToGroup(username, target);
      role = values.role;
      changed = true;
    }

    if (values.password !== undefined) {
      await this.#directory.setPassword(username, values.password);
      current = { ...current, status: 'CONFIRMED' };
      changed = true;
    }

    if (values.enabled !== undefined && values.enabled !== account.enabled) {
      await this.#directory.setEnabled(username, values.enabled);
      current = { ...current, enabled: values.enabled };
      changed = true;
    }

    // Our clock stands in for Cognito's modification time, which would cost one more AdminGetUser.
    return toUserAccount(changed ? { ...current, updatedAt: this.#clock().toISOString() } : current, role);
  }

  /**
   * Admin: deletes the account and its profile. The profile goes first: if
   * Cognito then fails, the account still exists and a retry finishes the
   * job, where the other order could leave an orphan profile nothing links to.
   */
  async deleteUserAccount(caller: Caller, username: string): Promise<UserAccount> {
    requireAdmin(caller);
    const name = parseInput(usernameSchema(), username, ['username']);
    const [account, groups] = await this.#existingAccount(name);
    await this.#profiles.delete(account.sub);
    await this.#directory.delete(account.username);
    return toUserAccount(account, roleOf(groups));
  }

  async #existingAccount(username: string): Promise<[Account, AccountGroup[]]> {
    const [account, groups] = await Promise.all([
      this.#directory.get(username),
      this.#directory.groupsOf(username).catch((err: unknown) => {
        if (err instanceof NotFoundError) return [] as AccountGroup[];
        throw err;
      }),
    ]);
    if (!account) throw new NotFoundError(`No account with username ${username}.`);
    return [account, groups];
  }
}

function accountPageSize(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return DEFAULT_ACCOUNT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ACCOUNT_PAGE) {
    // Cognito pages hold at most 60 accounts, so the API does not promise more.
    throw new ValidationError({
      field: 'limit',
      message: `must be a whole number from 1 to ${MAX_ACCOUNT_PAGE}`,
    });
  }
  return limit;
}

const sameEmail = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const notOwnEmail = () => new UnauthorizedError('A user may ask only about the role of its own email.');

const { member: requireSignedIn, admin: requireAdmin } = callerGuards({
  notMember: 'Accounts are for signed-in members of the admin or user group.',
  notAdmin: 'Only an admin may administer accounts.',
});
