import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AdminListGroupsForUserCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AccountService, CognitoAccountDirectory } from '../../../core/accounts';
import type { User, UserAccount, UserAccountConnection } from '../../../core/generated/graphql';
import { DynamoUserStore, UserService } from '../../../core/users';
import { startCognito, type EmbeddedCognito } from '../../../local/embedded/cognito';
import { startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import {
  adminWithSub,
  dataOf,
  errorOf,
  mutation,
  query,
  userWithSub,
  type TestIdentity,
} from '../../../testkit/appsync-event';
import { countRequests, type RequestCounter } from '../../../testkit/aws-request-counter';
import { queryEveryPage, usersAccountsApi } from '../../helpers/users-accounts-api';

const PASSWORD = 'Drain-Off-2024!';

/** The Cognito calls every change by username makes first: the account, then its groups (its role). */
const ACCOUNT_LOOKUP = { AdminGetUser: 1, AdminListGroupsForUser: 1 };

let dataDir: string;
let cognito: EmbeddedCognito;
let dynamo: EmbeddedDynamo;
let cognitoRequests: RequestCounter;
let dynamoRequests: RequestCounter;
let api: ReturnType<typeof usersAccountsApi>;
const admin = adminWithSub('admin-sub-0001');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'yvr-accounts-'));
  [cognito, dynamo] = await Promise.all([
    startCognito({ dataDir }),
    startDynamo({ tableName: 'yvr-test-accounts' }),
  ]);
  cognitoRequests = countRequests(cognito.client);
  dynamoRequests = countRequests(dynamo.client);
  const store = new DynamoUserStore({
    client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: dynamo.tableName,
  });
  const directory = new CognitoAccountDirectory({ client: cognito.client, userPoolId: cognito.userPoolId });
  api = usersAccountsApi({
    users: new UserService({ store }),
    accounts: new AccountService({ directory, profiles: store }),
  });
});

afterAll(async () => {
  await Promise.all([cognito?.stop(), dynamo?.stop()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  cognitoRequests.reset();
  dynamoRequests.reset();
});

const addAccount = async (input: Record<string, unknown>) =>
  dataOf<UserAccount>(await api.resolve(mutation('addUserAccount', { input }, { identity: admin })));

const signIn = (email: string, password: string) =>
  cognito.client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: cognito.userPoolClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );

const groupsOf = async (username: string) =>
  (
    await cognito.client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: cognito.userPoolId, Username: username }),
    )
  ).Groups?.map((g) => g.GroupName);

/** The identity an account's own ID token gives (its sub is its username in this pool). */
const identityOf = (account: UserAccount, withEmailClaim = true): TestIdentity =>
  userWithSub(account.username, withEmailClaim ? account.email : undefined);

describe('addUserAccount', () => {
  it('creates a confirmed account in its group when a password is given, with 3 Cognito calls', async () => {
    const account = await addAccount({ email: 'given@example.com', role: 'USER', password: PASSWORD });
    expect(account).toMatchObject({
      email: 'given@example.com',
      role: 'USER',
      status: 'CONFIRMED',
      enabled: true,
    });
    expect(account.username).toMatch(/^[0-9a-f-]{36}$/);
    expect(cognitoRequests.counts()).toEqual({
      AdminCreateUser: 1,
      AdminAddUserToGroup: 1,
      AdminSetUserPassword: 1,
    });
    expect(await groupsOf(account.username)).toEqual(['user']);
    const auth = await signIn('given@example.com', PASSWORD);
    expect(auth.AuthenticationResult?.IdToken).toBeTruthy();
  });

  it('leaves a temporary password to Cognito when none is given, with 2 Cognito calls', async () => {
    const account = await addAccount({ email: 'invited@example.com', role: 'ADMIN' });
    expect(account).toMatchObject({ role: 'ADMIN', status: 'FORCE_CHANGE_PASSWORD' });
    expect(cognitoRequests.counts()).toEqual({ AdminCreateUser: 1, AdminAddUserToGroup: 1 });
    expect(await groupsOf(account.username)).toEqual(['admin']);
  });

  it('rejects an email that already has an account with Conflict', async () => {
    await addAccount({ email: 'twice@example.com', role: 'USER', password: PASSWORD });
    const error = errorOf(
      await api.resolve(
        mutation(
          'addUserAccount',
          { input: { email: 'twice@example.com', role: 'USER' } },
          { identity: admin },
        ),
      ),
    );
    expect(error.errorType).toBe('Conflict');
    expect(error.message).not.toMatch(/Exception/);
  });

  it('refuses a user with Unauthorized before calling Cognito', async () => {
    const error = errorOf(
      await api.resolve(
        mutation(
          'addUserAccount',
          {
            input: { email: 'x@example.com', role: 'ADMIN' },
          },
          { identity: userWithSub('someone') },
        ),
      ),
    );
    expect(error.errorType).toBe('Unauthorized');
    expect(cognitoRequests.operations).toEqual([]);
  });
});

describe('userAccounts', () => {
  beforeAll(async () => {
    // 7 accounts at 3 a page is at least 3 pages, whatever else the pool holds.
    for (let i = 0; i < 7; i++) {
      await addAccount({
        email: `pager${i}@example.com`,
        role: i % 3 === 0 ? 'ADMIN' : 'USER',
        password: PASSWORD,
      });
    }
  });

  it('pages through every account with its role, 3 Cognito calls per page', async () => {
    const pages = await queryEveryPage<UserAccount>(api, 'userAccounts', {
      limit: 3,
      identity: admin,
      counter: cognitoRequests,
    });
    const seen = pages.flatMap(({ page }) => page.items);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const { page, requests } of pages) {
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(requests).toEqual({ ListUsers: 1, ListUsersInGroup: 2 });
    }
    expect(new Set(seen.map((a) => a.username)).size).toBe(seen.length);
    // 7 accounts at 3 a page is at least 3 pages, whatever else the pool holds.
    for (let i = 0; i < 7; i++) {
      expect(seen.find((a) => a.email === `pager${i}@example.com`)).toMatchObject({
        role: i % 3 === 0 ? 'ADMIN' : 'USER',
        status: 'CONFIRMED',
        enabled: true,
      });
    }
    for (const account of seen) expect(Number.isNaN(Date.parse(account.createdAt))).toBe(false);
  });

  it('refuses a user with Unauthorized', async () => {
    expect(
      errorOf(await api.resolve(query('userAccounts', {}, { identity: userWithSub('someone') }))).errorType,
    ).toBe('Unauthorized');
  });
});

describe('userRole', () => {
  let member: UserAccount;
  beforeAll(async () => {
    member = await addAccount({ email: 'role.member@example.com', role: 'USER', password: PASSWORD });
    await addAccount({ email: 'role.other@example.com', role: 'ADMIN', password: PASSWORD });
  });

  it('gives an admin the role of any email with 2 Cognito calls', async () => {
    const account = dataOf<UserAccount>(
      await api.resolve(query('userRole', { email: 'role.other@example.com' }, { identity: admin })),
    );
    expect(account).toMatchObject({ email: 'role.other@example.com', role: 'ADMIN' });
    expect(cognitoRequests.counts()).toEqual({ ListUsers: 1, AdminListGroupsForUser: 1 });
  });

  it('gives a user its own role', async () => {
    const account = dataOf<UserAccount>(
      await api.resolve(
        query('userRole', { email: 'role.member@example.com' }, { identity: identityOf(member) }),
      ),
    );
    expect(account).toMatchObject({ username: member.username, role: 'USER' });
  });

  it('gives a user its own role from an access token, which carries no email', async () => {
    const account = dataOf<UserAccount>(
      await api.resolve(
        query('userRole', { email: 'role.member@example.com' }, { identity: identityOf(member, false) }),
      ),
    );
    expect(account.role).toBe('USER');
  });

  it("refuses a user another account's role with Unauthorized", async () => {
    for (const identity of [identityOf(member), identityOf(member, false)]) {
      const error = errorOf(
        await api.resolve(query('userRole', { email: 'role.other@example.com' }, { identity: identity })),
      );
      expect(error.errorType).toBe('Unauthorized');
    }
  });

  it('answers an admin null for an email without an account', async () => {
    expect(
      await api.resolve(query('userRole', { email: 'nobody@example.com' }, { identity: admin })),
    ).toBeNull();
  });
});

describe('updateUserAccount', () => {
  let n = 0;
  /** A confirmed account with a profile, of its own for each test. */
  const freshAccount = async (role: 'ADMIN' | 'USER' = 'USER') => {
    const email = `update.${++n}@example.com`;
    const account = await addAccount({ email, role, password: PASSWORD });
    dataOf<User>(
      await api.resolve(
        mutation('createUser', { input: { id: account.username, email, name: 'Erin' } }, { identity: admin }),
      ),
    );
    cognitoRequests.reset();
    dynamoRequests.reset();
    return account;
  };
  const update = async (input: Record<string, unknown>) =>
    dataOf<UserAccount>(await api.resolve(mutation('updateUserAccount', { input }, { identity: admin })));

  it('changes the email in Cognito and in the profile, which stays linked', async () => {
    const account = await freshAccount();
    const updated = await update({ username: account.username, email: `moved.${n}@example.com` });
    expect(updated).toMatchObject({
      username: account.username,
      email: `moved.${n}@example.com`,
      role: 'USER',
    });
    expect(cognitoRequests.counts()).toEqual({
      ...ACCOUNT_LOOKUP,
      ListUsers: 1,
      AdminUpdateUserAttributes: 1,
    });
    expect(dynamoRequests.counts()).toEqual({ UpdateItem: 1 });

    const profile = dataOf<User>(
      await api.resolve(query('user', { id: account.username }, { identity: admin })),
    );
    expect(profile).toMatchObject({ id: account.username, email: `moved.${n}@example.com`, name: 'Erin' });
    const auth = await signIn(`moved.${n}@example.com`, PASSWORD);
    expect(auth.AuthenticationResult?.AccessToken).toBeTruthy();
    await expect(signIn(account.email, PASSWORD)).rejects.toThrow();
    const role = dataOf<UserAccount>(
      await api.resolve(query('userRole', { email: `moved.${n}@example.com` }, { identity: admin })),
    );
    expect(role.username).toBe(account.username);
  });

  it('rejects an email that another account uses with Conflict and changes nothing', async () => {
    const other = await freshAccount();
    const account = await freshAccount();
    const error = errorOf(
      await api.resolve(
        mutation(
          'updateUserAccount',
          { input: { username: account.username, email: other.email } },
          { identity: admin },
        ),
      ),
    );
    expect(error.errorType).toBe('Conflict');
    expect(cognitoRequests.operations).not.toContain('AdminUpdateUserAttributes');
    expect(dynamoRequests.operations).toEqual([]);
  });

  it('moves the account between groups when the role changes', async () => {
    const account = await freshAccount('USER');
    expect((await update({ username: account.username, role: 'ADMIN' })).role).toBe('ADMIN');
    expect(await groupsOf(account.username)).toEqual(['admin']);
    expect((await update({ username: account.username, role: 'USER' })).role).toBe('USER');
    expect(await groupsOf(account.username)).toEqual(['user']);
  });

  it('sets a new permanent password', async () => {
    const account = await freshAccount();
    const next = 'Runway-27-Left?';
    await update({ username: account.username, password: next });
    expect(cognitoRequests.counts()).toMatchObject({ AdminSetUserPassword: 1 });
    expect((await signIn(account.email, next)).AuthenticationResult).toBeDefined();
    await expect(signIn(account.email, PASSWORD)).rejects.toThrow();
  });

  it('disables and enables the account', async () => {
    const account = await freshAccount();
    expect((await update({ username: account.username, enabled: false })).enabled).toBe(false);
    const listed = dataOf<UserAccountConnection>(
      await api.resolve(query('userAccounts', { limit: 60 }, { identity: admin })),
    );
    expect(listed.items.find((a) => a.username === account.username)?.enabled).toBe(false);
    expect((await update({ username: account.username, enabled: true })).enabled).toBe(true);
  });

  it('answers NotFound for an unknown username', async () => {
    const error = errorOf(
      await api.resolve(
        mutation(
          'updateUserAccount',
          { input: { username: 'no-such-user', enabled: false } },
          { identity: admin },
        ),
      ),
    );
    expect(error.errorType).toBe('NotFound');
  });
});

describe('deleteUserAccount', () => {
  it('deletes the Cognito account and its profile', async () => {
    const account = await addAccount({ email: 'leaving@example.com', role: 'USER', password: PASSWORD });
    dataOf<User>(
      await api.resolve(
        mutation(
          'createUser',
          { input: { id: account.username, email: 'leaving@example.com' } },
          { identity: admin },
        ),
      ),
    );
    cognitoRequests.reset();
    dynamoRequests.reset();
    const deleted = dataOf<UserAccount>(
      await api.resolve(mutation('deleteUserAccount', { username: account.username }, { identity: admin })),
    );
    expect(deleted).toMatchObject({ username: account.username, email: 'leaving@example.com', role: 'USER' });
    expect(cognitoRequests.counts()).toEqual({
      ...ACCOUNT_LOOKUP,
      // Signed out everywhere first, so its refresh token stops working at once.
      AdminUserGlobalSignOut: 1,
      AdminDeleteUser: 1,
    });
    expect(dynamoRequests.counts()).toEqual({ DeleteItem: 1 });
    expect(await api.resolve(query('user', { id: account.username }, { identity: admin }))).toBeNull();
    expect(
      await api.resolve(query('userRole', { email: 'leaving@example.com' }, { identity: admin })),
    ).toBeNull();
    await expect(signIn('leaving@example.com', PASSWORD)).rejects.toThrow();
  });

  it('answers NotFound for an unknown username', async () => {
    expect(
      errorOf(
        await api.resolve(mutation('deleteUserAccount', { username: 'no-such-user' }, { identity: admin })),
      ).errorType,
    ).toBe('NotFound');
  });

  it('refuses a user with Unauthorized', async () => {
    expect(
      errorOf(
        await api.resolve(
          mutation('deleteUserAccount', { username: 'x' }, { identity: userWithSub('someone') }),
        ),
      ).errorType,
    ).toBe('Unauthorized');
  });
});

describe('invalid input', () => {
  const add = (input: Record<string, unknown>) => ({
    input: { email: 'new@example.com', role: 'USER', ...input },
  });
  type Case = [string, string, 'Query' | 'Mutation', Record<string, unknown>, string, RegExp];
  // The pool's password policy, a rule a row: what a password lacks, and one that lacks only that.
  const PASSWORD_RULES: Array<[lacks: string, password: string]> = [
    ['a number', 'Abcdefgh!'],
    ['a lower-case letter', 'ABCDEFG1!'],
    ['an upper-case letter', 'abcdefg1!'],
    ['a special character', 'Abcdefg12'],
  ];
  const cases: Case[] = [
    [
      'a password shorter than 8',
      'addUserAccount',
      'Mutation',
      add({ password: 'Ab1!' }),
      'input.password',
      /at least 8 characters/,
    ],
    ...PASSWORD_RULES.map(([lacks, password]): Case => [
      `a password without ${lacks}`,
      'addUserAccount',
      'Mutation',
      add({ password }),
      'input.password',
      new RegExp(lacks),
    ]),
    [
      'a weak password on update',
      'updateUserAccount',
      'Mutation',
      { input: { username: 'abc', password: 'password' } },
      'input.password',
      /a number/,
    ],
    [
      'an email without @',
      'addUserAccount',
      'Mutation',
      add({ email: 'new.example.com' }),
      'input.email',
      /email address/,
    ],
    [
      'an email without a top-level domain',
      'addUserAccount',
      'Mutation',
      add({ email: 'new@example' }),
      'input.email',
      /email address/,
    ],
    [
      'an email on update with two @',
      'updateUserAccount',
      'Mutation',
      { input: { username: 'abc', email: 'a@@example.com' } },
      'input.email',
      /email address/,
    ],
    [
      'a role that does not exist',
      'addUserAccount',
      'Mutation',
      add({ role: 'SUPERUSER' }),
      'input.role',
      /ADMIN or USER/,
    ],
    [
      'a lower-case role',
      'updateUserAccount',
      'Mutation',
      { input: { username: 'abc', role: 'admin' } },
      'input.role',
      /ADMIN or USER/,
    ],
    [
      'a username longer than 128',
      'deleteUserAccount',
      'Mutation',
      { username: 'u'.repeat(129) },
      'username',
      /at most 128/,
    ],
    [
      'a username with a space',
      'updateUserAccount',
      'Mutation',
      { input: { username: 'a b', enabled: true } },
      'input.username',
      /letters, digits/,
    ],
    [
      'enabled that is not a boolean',
      'updateUserAccount',
      'Mutation',
      { input: { username: 'abc', enabled: 'yes' } },
      'input.enabled',
      /true or false/,
    ],
    ['a role email that is not an email', 'userRole', 'Query', { email: 'nobody' }, 'email', /email address/],
    ['a page size over 60', 'userAccounts', 'Query', { limit: 61 }, 'limit', /1 to 60/],
    ['a forged page token', 'userAccounts', 'Query', { nextToken: 'offset:-4' }, 'nextToken', /token/],
  ];

  it.each(cases)(
    'answers %s with a ValidationError naming the field',
    async (_what, field, type, args, name, says) => {
      const event =
        type === 'Query'
          ? query(field, args, { identity: admin })
          : mutation(field, args, { identity: admin });
      const error = errorOf(await api.resolve(event));
      expect(error.errorType).toBe('ValidationError');
      expect(error.message.startsWith(`${name}: `)).toBe(true);
      expect(error.message).toMatch(says);
      expect(error.message).not.toMatch(/\bat .+:\d+|Zod|Exception|Cognito/);
      expect(cognitoRequests.operations).toEqual([]);
    },
  );

  it('says every missing part of a weak password at once', async () => {
    const error = errorOf(
      await api.resolve(mutation('addUserAccount', add({ password: 'abc' }), { identity: admin })),
    );
    expect(error.message).toMatch(
      /at least 8 characters.*a number.*an upper-case letter.*a special character/,
    );
  });
});
