import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAccountDirectory } from '../../../core/accounts';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../../../core/shared/errors';

const client = new CognitoIdentityProviderClient({ region: 'local' });
const mock = mockClient(client);
const directory = new CognitoAccountDirectory({ client, userPoolId: 'pool-1' });

const cognitoError = (name: string, fault: 'client' | 'server' = 'client') =>
  new CognitoIdentityProviderServiceException({
    name,
    $fault: fault,
    message: `internal detail of ${name}`,
    $metadata: { httpStatusCode: fault === 'server' ? 500 : 400 },
  });

const user = (n: number): UserType => ({
  Username: `sub-${n}`,
  Attributes: [
    { Name: 'sub', Value: `sub-${n}` },
    { Name: 'email', Value: `u${n}@example.com` },
  ],
  UserStatus: 'CONFIRMED',
  Enabled: true,
  UserCreateDate: new Date('2026-01-01T00:00:00Z'),
  UserLastModifiedDate: new Date('2026-01-02T00:00:00Z'),
});

beforeEach(() => mock.reset());

describe('CognitoAccountDirectory', () => {
  it("passes Cognito's page token through both ways", async () => {
    mock.on(ListUsersCommand).resolves({ Users: [user(1)], PaginationToken: 'cognito-token-2' });
    const page = await directory.list(1, 'cognito-token-1');
    expect(mock.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'pool-1',
      Limit: 1,
      PaginationToken: 'cognito-token-1',
    });
    expect(page).toEqual({
      accounts: [
        {
          username: 'sub-1',
          sub: 'sub-1',
          email: 'u1@example.com',
          status: 'CONFIRMED',
          enabled: true,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-02T00:00:00.000Z',
        },
      ],
      nextToken: 'cognito-token-2',
    });
  });

  it('pages itself when the directory ignores Limit, as cognito-local does', async () => {
    mock.on(ListUsersCommand).resolves({ Users: [user(1), user(2), user(3)] });
    const first = await directory.list(2);
    expect(first.accounts.map((a) => a.username)).toEqual(['sub-1', 'sub-2']);
    const second = await directory.list(2, first.nextToken);
    expect(second.accounts.map((a) => a.username)).toEqual(['sub-3']);
    expect(second.nextToken).toBeNull();
  });

  it('follows NextToken through every page of a group', async () => {
    mock
      .on(ListUsersInGroupCommand)
      .resolvesOnce({ Users: [user(1)], NextToken: 'n2' })
      .resolvesOnce({ Users: [user(2)] });
    expect([...(await directory.membersOf('admin'))]).toEqual(['sub-1', 'sub-2']);
    expect(mock.commandCalls(ListUsersInGroupCommand)[1]?.args[0].input).toMatchObject({
      GroupName: 'admin',
      Limit: 60,
      NextToken: 'n2',
    });
  });

  it('keeps only the role groups of an account', async () => {
    mock
      .on(AdminListGroupsForUserCommand)
      .resolves({ Groups: [{ GroupName: 'user' }, { GroupName: 'beta-testers' }] });
    expect(await directory.groupsOf('sub-1')).toEqual(['user']);
  });

  it('finds an account by an exact email filter', async () => {
    mock.on(ListUsersCommand).resolves({ Users: [user(1)] });
    expect((await directory.findByEmail('u1@example.com'))?.username).toBe('sub-1');
    expect(mock.commandCalls(ListUsersCommand)[0]?.args[0].input.Filter).toBe('email = "u1@example.com"');
  });

  it('creates with a verified email, and suppresses the invitation when a password follows', async () => {
    mock.on(AdminCreateUserCommand).resolves({ User: user(1) });
    await directory.create({ email: 'u1@example.com', sendInvitation: false });
    await directory.create({ email: 'u1@example.com', sendInvitation: true });
    const [quiet, invited] = mock.commandCalls(AdminCreateUserCommand).map((c) => c.args[0].input);
    expect(quiet).toMatchObject({
      Username: 'u1@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'u1@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
      MessageAction: 'SUPPRESS',
    });
    expect(invited).not.toHaveProperty('MessageAction');
  });

  it('marks a changed email verified in the same call', async () => {
    mock.on(AdminUpdateUserAttributesCommand).resolves({});
    await directory.setEmail('sub-1', 'new@example.com');
    expect(mock.commandCalls(AdminUpdateUserAttributesCommand)[0]?.args[0].input.UserAttributes).toEqual([
      { Name: 'email', Value: 'new@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ]);
  });

  it('answers undefined for a missing account', async () => {
    mock.on(AdminGetUserCommand).rejects(cognitoError('UserNotFoundException'));
    expect(await directory.get('ghost')).toBeUndefined();
  });

  it.each([
    ['UserNotFoundException', NotFoundError],
    ['UsernameExistsException', ConflictError],
    ['AliasExistsException', ConflictError],
    ['InvalidPasswordException', ValidationError],
    ['TooManyRequestsException', ServiceUnavailableError],
    ['LimitExceededException', ServiceUnavailableError],
    ['InternalErrorException', ServiceUnavailableError],
  ])('maps %s to the named error without Cognito words', async (name, type) => {
    mock.on(AdminSetUserPasswordCommand).rejects(cognitoError(name));
    const error = await directory.setPassword('sub-1', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).not.toMatch(/Exception|internal detail|Cognito/);
  });

  it('maps any 5xx answer to ServiceUnavailable', async () => {
    mock.on(AdminGetUserCommand).rejects(cognitoError('SomethingNewException', 'server'));
    await expect(directory.get('sub-1')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('names the password field when Cognito refuses a password', async () => {
    mock.on(AdminSetUserPasswordCommand).rejects(cognitoError('InvalidPasswordException'));
    await expect(directory.setPassword('sub-1', 'x')).rejects.toMatchObject({
      issues: [{ field: 'input.password' }],
    });
  });

  it('answers a refused page token as a ValidationError on nextToken', async () => {
    mock.on(ListUsersCommand).rejects(cognitoError('InvalidParameterException'));
    await expect(directory.list(5, 'garbage')).rejects.toMatchObject({ issues: [{ field: 'nextToken' }] });
  });

  it('lets a misconfiguration through unchanged, to be logged whole', async () => {
    const missingGroup = cognitoError('ResourceNotFoundException');
    mock.on(ListUsersInGroupCommand).rejects(missingGroup);
    await expect(directory.membersOf('admin')).rejects.toBe(missingGroup);
  });
});

/** The commands sent, by name, in order. */
const sent = () => mock.calls().map((call) => (call.args[0] as object).constructor.name);

describe('CognitoAccountDirectory ends the sessions of an account it removes or disables', () => {
  beforeEach(() => {
    mock.onAnyCommand().resolves({});
  });

  it('signs the account out globally before deleting it', async () => {
    await directory.delete('sub-1');
    expect(sent()).toEqual(['AdminUserGlobalSignOutCommand', 'AdminDeleteUserCommand']);
    expect(mock.commandCalls(AdminUserGlobalSignOutCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'pool-1',
      Username: 'sub-1',
    });
  });

  it('signs the account out globally before disabling it', async () => {
    await directory.setEnabled('sub-2', false);
    expect(sent()).toEqual(['AdminUserGlobalSignOutCommand', 'AdminDisableUserCommand']);
  });

  it('does not sign out an account it enables', async () => {
    await directory.setEnabled('sub-3', true);
    expect(sent()).toEqual(['AdminEnableUserCommand']);
  });

  it('does not delete or disable when the sign-out fails, so nothing is half done', async () => {
    mock.on(AdminUserGlobalSignOutCommand).rejects(cognitoError('InternalErrorException', 'server'));
    await expect(directory.delete('sub-4')).rejects.toThrow();
    await expect(directory.setEnabled('sub-4', false)).rejects.toThrow();
    // Only the two failed sign-outs went out: no delete, disable or enable.
    expect(sent()).toEqual(['AdminUserGlobalSignOutCommand', 'AdminUserGlobalSignOutCommand']);
  });
});
