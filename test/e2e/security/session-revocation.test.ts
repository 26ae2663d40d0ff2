import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalMode } from '../../../local/start-local';
import { ADMIN, gql, gqlData, signIn, startTestLocal } from '../../../testkit/local-mode';

// Issue 12, item 7: an account that was deleted or disabled could still renew its session with
// the refresh token it had. The API now signs it out globally (AdminUserGlobalSignOut) first.

let local: LocalMode;
let adminToken: string;

beforeAll(async () => {
  local = await startTestLocal();
  adminToken = (await signIn(local.outputs, ADMIN.email, ADMIN.password)).idToken;
});
afterAll(async () => {
  await local?.stop();
});

const cognito = () =>
  new CognitoIdentityProviderClient({
    endpoint: local.outputs.CognitoEndpoint,
    region: local.outputs.Region,
    credentials: { accessKeyId: 'browser', secretAccessKey: 'browser' },
  });

async function tokensOf(email: string, password: string) {
  const r = await cognito().send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: local.outputs.UserPoolClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  return r.AuthenticationResult!;
}

const refresh = (refreshToken: string) =>
  cognito().send(
    new InitiateAuthCommand({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: local.outputs.UserPoolClientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );

async function addAccount(email: string, password: string): Promise<string> {
  const r = await gql<{ addUserAccount: { username: string } }>(
    local.outputs,
    adminToken,
    'mutation A($input: AddUserAccountInput!) { addUserAccount(input: $input) { username } }',
    { input: { email, role: 'USER', password } },
  );
  expect(r.errors).toBeUndefined();
  return r.data!.addUserAccount.username;
}

describe('removing or disabling an account ends its sessions', () => {
  it('a deleted account cannot renew its session with its refresh token', async () => {
    const username = await addAccount('gone@example.com', 'Gone1234!');
    const tokens = await tokensOf('gone@example.com', 'Gone1234!');
    await expect(refresh(tokens.RefreshToken!)).resolves.toBeDefined();
    const deleted = await gql(
      local.outputs,
      adminToken,
      'mutation D($u: ID!) { deleteUserAccount(username: $u) { username } }',
      {
        u: username,
      },
    );
    expect(deleted.errors).toBeUndefined();
    await expect(refresh(tokens.RefreshToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('a disabled account cannot renew its session; enabled again, it signs in anew', async () => {
    const username = await addAccount('paused@example.com', 'Paused123!');
    const tokens = await tokensOf('paused@example.com', 'Paused123!');
    const setEnabled = (enabled: boolean) =>
      gqlData(
        local.outputs,
        adminToken,
        'mutation U($input: UpdateUserAccountInput!) { updateUserAccount(input: $input) { enabled } }',
        { input: { username, enabled } },
      );
    await setEnabled(false);
    await expect(refresh(tokens.RefreshToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await setEnabled(true);
    // The old refresh token stays revoked; a new sign-in works.
    await expect(refresh(tokens.RefreshToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(tokensOf('paused@example.com', 'Paused123!')).resolves.toHaveProperty('RefreshToken');
  });
});
