import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAccountDirectory } from '../../../core/accounts';

const client = new CognitoIdentityProviderClient({ region: 'local' });
const mock = mockClient(client);
const directory = new CognitoAccountDirectory({ client, userPoolId: 'pool-1' });

/** The commands sent, by name, in order. */
const sent = () => mock.calls().map((call) => (call.args[0] as object).constructor.name);

beforeEach(() => {
  mock.reset();
  mock.onAnyCommand().resolves({});
});

describe('CognitoAccountDirectory ends the sessions of an account it removes or disables', () => {
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
    mock
      .on(AdminUserGlobalSignOutCommand)
      .rejects(Object.assign(new Error('down'), { name: 'InternalErrorException', $fault: 'server' }));
    await expect(directory.delete('sub-4')).rejects.toThrow();
    await expect(directory.setEnabled('sub-4', false)).rejects.toThrow();
    expect(mock.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
    expect(mock.commandCalls(AdminDisableUserCommand)).toHaveLength(0);
    expect(mock.commandCalls(AdminEnableUserCommand)).toHaveLength(0);
  });
});
