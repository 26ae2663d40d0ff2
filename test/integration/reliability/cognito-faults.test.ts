import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountService, CognitoAccountDirectory } from '../../../core/accounts';
import type { UserAccount } from '../../../core/generated/graphql';
import { DynamoUserStore, UserService } from '../../../core/users';
import { localClientConfig } from '../../../local/embedded/dynamodb';
import { generateLocalCredentials } from '../../../local/embedded/local-credentials';
import { documentClientOf } from '../../../resolvers/api/deps';
import { useCognito, useDynamo } from '../../../testkit/embedded';
import { adminWithSub, dataOf, errorOf, mutation, query } from '../../../testkit/appsync-event';
import { LEAKS, SERVER_ERROR, THROTTLED, always, faultOn, injectFaults } from '../../helpers/fault-injection';
import { silentLogger } from '../../helpers/reliability-harness';
import { usersAccountsApi } from '../../helpers/users-accounts-api';

// Cognito failing under the real client against cognito-local: faults are
// answered on the wire inside the SDK's retries, so the directory adapter
// meets what a throttled or failing Cognito sends. The embedded pool's own
// client stays healthy and is how the tests look at what really exists.
const PASSWORD = 'Drain-Off-2024!';
const cognito = useCognito();
const dynamo = useDynamo('yvr-test-reliability-accounts');
let faulty: CognitoIdentityProviderClient;
let faults: ReturnType<typeof injectFaults>;
let api: ReturnType<typeof usersAccountsApi>;
const admin = adminWithSub('admin-sub-0001');

beforeAll(async () => {
  faulty = new CognitoIdentityProviderClient({
    ...localClientConfig(cognito.endpoint, cognito.region, generateLocalCredentials()),
    maxAttempts: 2,
  });
  faults = injectFaults(faulty);
  const profiles = new DynamoUserStore({
    client: documentClientOf(dynamo.client),
    tableName: dynamo.tableName,
  });
  api = usersAccountsApi({
    users: new UserService({ store: profiles }),
    accounts: new AccountService({
      directory: new CognitoAccountDirectory({ client: faulty, userPoolId: cognito.userPoolId }),
      profiles,
      logger: silentLogger(),
    }),
  });
});
afterAll(() => {
  faulty?.destroy();
});
beforeEach(() => {
  faults.heal();
});

/** The accounts that really exist with this email, asked of the healthy client. */
const accountsWithEmail = async (email: string) =>
  (
    await cognito.client.send(
      new ListUsersCommand({ UserPoolId: cognito.userPoolId, Filter: `email = "${email}"` }),
    )
  ).Users ?? [];
const groupsOf = async (username: string) =>
  (
    await cognito.client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: cognito.userPoolId, Username: username }),
    )
  ).Groups?.map((g) => g.GroupName) ?? [];
const addAccount = async (input: Record<string, unknown>) =>
  dataOf<UserAccount>(await api.resolve(mutation('addUserAccount', { input }, { identity: admin })));
/** The error addUserAccount answers while a fault is on. */
const refusedAdd = async (input: Record<string, unknown>) =>
  errorOf(await api.resolve(mutation('addUserAccount', { input }, { identity: admin })));

describe('account operations while Cognito fails', () => {
  for (const [name, failure] of [
    ['throttling', THROTTLED('TooManyRequestsException')],
    ['answering 500', SERVER_ERROR('InternalErrorException')],
  ] as const) {
    it(`answers every account operation with ServiceUnavailable and a clear message while Cognito keeps ${name}`, async () => {
      const existing = await addAccount({ email: `exists-${name.length}@example.com`, role: 'USER' });
      faults.fail(always(failure));
      const calls = [
        query('userAccounts', {}, { identity: admin }),
        query('userRole', { email: existing.email }, { identity: admin }),
        mutation(
          'addUserAccount',
          {
            input: { email: `new-${name.length}@example.com`, role: 'USER' },
          },
          { identity: admin },
        ),
        mutation(
          'updateUserAccount',
          { input: { username: existing.username, role: 'ADMIN' } },
          { identity: admin },
        ),
        mutation('deleteUserAccount', { username: existing.username }, { identity: admin }),
      ];
      for (const event of calls) {
        const error = errorOf(await api.resolve(event));
        expect({ field: event.info.fieldName, ...error }).toEqual({
          field: event.info.fieldName,
          errorType: 'ServiceUnavailable',
          message: 'The account directory is busy or unavailable; try again shortly.',
        });
        expect(error.message).not.toMatch(LEAKS);
      }
      faults.heal();
      // Nothing changed: the account is still there, a user, and the new one was never made.
      expect(await groupsOf(existing.username)).toEqual(['user']);
      expect(await accountsWithEmail(`new-${name.length}@example.com`)).toEqual([]);
    });
  }

  it('rolls back a half-done addUserAccount when adding to the group fails, so a retry succeeds', async () => {
    faults.fail(faultOn('AdminAddUserToGroup', SERVER_ERROR('InternalErrorException')));
    const error = await refusedAdd({ email: 'half@example.com', role: 'ADMIN', password: PASSWORD });
    expect(error.errorType).toBe('ServiceUnavailable');
    expect(await accountsWithEmail('half@example.com')).toEqual([]);

    faults.heal();
    const account = await addAccount({ email: 'half@example.com', role: 'ADMIN', password: PASSWORD });
    expect(account).toMatchObject({ role: 'ADMIN', status: 'CONFIRMED' });
    expect(await groupsOf(account.username)).toEqual(['admin']);
  });

  it('rolls back a half-done addUserAccount when setting the password is throttled', async () => {
    faults.fail(faultOn('AdminSetUserPassword', THROTTLED('TooManyRequestsException')));
    const error = await refusedAdd({ email: 'nopass@example.com', role: 'USER', password: PASSWORD });
    expect(error).toEqual({
      errorType: 'ServiceUnavailable',
      message: 'The account directory is busy or unavailable; try again shortly.',
    });
    expect(await accountsWithEmail('nopass@example.com')).toEqual([]);
  });

  it('leaves fewer rights, never more, when a role move fails halfway, and a retry finishes it', async () => {
    const account = await addAccount({ email: 'mover@example.com', role: 'ADMIN', password: PASSWORD });
    faults.fail(faultOn('AdminAddUserToGroup', THROTTLED('TooManyRequestsException')));
    const move = mutation(
      'updateUserAccount',
      { input: { username: account.username, role: 'USER' } },
      { identity: admin },
    );
    expect(errorOf(await api.resolve(move)).errorType).toBe('ServiceUnavailable');
    expect(await groupsOf(account.username)).toEqual([]);

    faults.heal();
    expect(dataOf<UserAccount>(await api.resolve(move))).toMatchObject({ role: 'USER' });
    expect(await groupsOf(account.username)).toEqual(['user']);
  });
});
