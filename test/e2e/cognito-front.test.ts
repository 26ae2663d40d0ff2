import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { USER_POOL_TOKEN_VALIDITY } from '../../core/accounts/user-pool-settings';
import type { LocalMode } from '../../local/start-local';
import { ADMIN, createAccount, gql, startTestLocal } from '../../testkit/local-mode';
import { claimsOf } from './security/tokens';

// Issue 11 item 2: every Cognito call Amplify's auth makes works locally as in Cognito.

let local: LocalMode;
let cognito: CognitoIdentityProviderClient;
/** The browser's view: no AWS credentials at all (Amplify sends unsigned requests). */
let browser: CognitoIdentityProviderClient;

beforeAll(async () => {
  local = await startTestLocal();
  const base = { endpoint: local.outputs.CognitoEndpoint, region: local.outputs.Region };
  cognito = new CognitoIdentityProviderClient({ ...base, credentials: local.credentials });
  browser = new CognitoIdentityProviderClient({
    ...base,
    // The unauthenticated operations are sent unsigned by the SDK, as Amplify sends them.
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
});

afterAll(async () => {
  cognito?.destroy();
  browser?.destroy();
  await local?.stop();
});

async function passwordSignIn(email: string, password: string): Promise<AuthenticationResultType> {
  const result = await browser.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: local.outputs.UserPoolClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  return result.AuthenticationResult!;
}

/** GetTokensFromRefreshToken with the app client, as the browser renews its session. */
const renew = (refreshToken: string) =>
  browser.send(
    new GetTokensFromRefreshTokenCommand({
      ClientId: local.outputs.UserPoolClientId,
      RefreshToken: refreshToken,
    }),
  );

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return { name: (err as Error).name, message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
}

const DEVICES = '{ devices(limit: 1) { items { id } } }';

describe('local Cognito: sign-in and errors', () => {
  it('issues tokens that live as long as the CDK app client sets', async () => {
    const tokens = await passwordSignIn(ADMIN.email, ADMIN.password);
    const id = claimsOf(tokens.IdToken!);
    const access = claimsOf(tokens.AccessToken!);
    expect(Number(id.exp) - Number(id.iat)).toBe(USER_POOL_TOKEN_VALIDITY.idTokenMinutes * 60);
    expect(Number(access.exp) - Number(access.iat)).toBe(USER_POOL_TOKEN_VALIDITY.accessTokenMinutes * 60);
    expect(tokens.ExpiresIn).toBe(USER_POOL_TOKEN_VALIDITY.accessTokenMinutes * 60);
    expect(tokens.TokenType).toBe('Bearer');
    // Cognito's revocation claim, which Amplify's signOut looks for before calling RevokeToken.
    expect(access.origin_jti).toEqual(expect.any(String));
    expect(id.origin_jti).toBe(access.origin_jti);
  });

  it('answers a wrong password with NotAuthorizedException "Incorrect username or password."', async () => {
    const err = await errorOf(passwordSignIn(ADMIN.email, 'Wrong123!'));
    expect(err).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('answers an unknown user exactly as a wrong password (no user-existence errors)', async () => {
    const err = await errorOf(passwordSignIn('nobody@example.com', 'Whatever123!'));
    expect(err).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('names the supported flows when asked for another one', async () => {
    const err = await errorOf(
      browser.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_SRP_AUTH',
          ClientId: local.outputs.UserPoolClientId,
          AuthParameters: { USERNAME: ADMIN.email, SRP_A: 'abc' },
        }),
      ),
    );
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toContain('USER_PASSWORD_AUTH');
  });
});

describe('local Cognito: refresh and sign-out', () => {
  it('refreshes with GetTokensFromRefreshToken and the new tokens work at the API', async () => {
    await createAccount(local, 'refresher@example.com', 'Refresh123!', 'user');
    const first = await passwordSignIn('refresher@example.com', 'Refresh123!');
    const refreshed = await renew(first.RefreshToken!);
    const next = refreshed.AuthenticationResult!;
    expect(next.AccessToken).toBeDefined();
    expect(next.AccessToken).not.toBe(first.AccessToken);
    expect(claimsOf(next.AccessToken!).origin_jti).toBe(claimsOf(first.AccessToken!).origin_jti);
    expect(claimsOf(next.IdToken!).auth_time).toBe(claimsOf(first.IdToken!).auth_time);
    const response = await gql(local.outputs, next.AccessToken!, DEVICES);
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });

  it('refreshes with InitiateAuth REFRESH_TOKEN_AUTH too', async () => {
    const first = await passwordSignIn(ADMIN.email, ADMIN.password);
    const result = await browser.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: local.outputs.UserPoolClientId,
        AuthParameters: { REFRESH_TOKEN: first.RefreshToken! },
      }),
    );
    expect(claimsOf(result.AuthenticationResult!.IdToken!)['cognito:groups']).toEqual(['admin']);
  });

  it('refuses a refresh token that was revoked, and the access tokens made from it', async () => {
    await createAccount(local, 'revoker@example.com', 'Revoke123!', 'user');
    const tokens = await passwordSignIn('revoker@example.com', 'Revoke123!');
    await browser.send(
      new RevokeTokenCommand({ ClientId: local.outputs.UserPoolClientId, Token: tokens.RefreshToken! }),
    );
    const refresh = await errorOf(renew(tokens.RefreshToken!));
    expect(refresh.name).toBe('NotAuthorizedException');
    const getUser = await errorOf(browser.send(new GetUserCommand({ AccessToken: tokens.AccessToken! })));
    expect(getUser).toEqual({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
  });

  it('signs out globally: every refresh token of the user stops working, others keep theirs', async () => {
    await createAccount(local, 'global@example.com', 'Global123!', 'user');
    const laptop = await passwordSignIn('global@example.com', 'Global123!');
    const phone = await passwordSignIn('global@example.com', 'Global123!');
    const admin = await passwordSignIn(ADMIN.email, ADMIN.password);
    await browser.send(new GlobalSignOutCommand({ AccessToken: laptop.AccessToken! }));
    for (const session of [laptop, phone]) {
      const err = await errorOf(renew(session.RefreshToken!));
      expect(err.name).toBe('NotAuthorizedException');
    }
    const still = await renew(admin.RefreshToken!);
    expect(still.AuthenticationResult?.AccessToken).toBeDefined();
  });

  it('refuses a refresh token that this pool did not sign', async () => {
    const tokens = await passwordSignIn(ADMIN.email, ADMIN.password);
    const [header, payload] = tokens.RefreshToken!.split('.');
    const err = await errorOf(renew(`${header}.${payload}.${'A'.repeat(342)}`));
    expect(err).toEqual({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
  });
});

describe('local Cognito: the account operations Amplify calls', () => {
  it('answers fetchUserAttributes (GetUser) for a valid access token and refuses a forged one', async () => {
    const tokens = await passwordSignIn(ADMIN.email, ADMIN.password);
    const user = await browser.send(new GetUserCommand({ AccessToken: tokens.AccessToken! }));
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe(ADMIN.email);
    // cognito-local alone only decodes the token: an unsigned copy would act for the admin.
    const [header, payload] = tokens.AccessToken!.split('.');
    const err = await errorOf(browser.send(new GetUserCommand({ AccessToken: `${header}.${payload}.x` })));
    expect(err).toEqual({ name: 'NotAuthorizedException', message: 'Invalid Access Token' });
  });

  it('changes a password (updatePassword) and answers a wrong old one as Cognito does', async () => {
    await createAccount(local, 'changer@example.com', 'Change123!', 'user');
    const tokens = await passwordSignIn('changer@example.com', 'Change123!');
    const wrong = await errorOf(
      browser.send(
        new ChangePasswordCommand({
          AccessToken: tokens.AccessToken!,
          PreviousPassword: 'NotIt123!',
          ProposedPassword: 'Changed123!',
        }),
      ),
    );
    expect(wrong).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    await browser.send(
      new ChangePasswordCommand({
        AccessToken: tokens.AccessToken!,
        PreviousPassword: 'Change123!',
        ProposedPassword: 'Changed123!',
      }),
    );
    expect((await passwordSignIn('changer@example.com', 'Changed123!')).AccessToken).toBeDefined();
  });

  it('resets a forgotten password with the code the pool sends (resetPassword / confirmResetPassword)', async () => {
    await createAccount(local, 'forgetful@example.com', 'Forgot123!', 'user');
    const sent = await browser.send(
      new ForgotPasswordCommand({
        ClientId: local.outputs.UserPoolClientId,
        Username: 'forgetful@example.com',
      }),
    );
    expect(sent.CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
    const code = local.cognito.sentCodes().findLast((c) => c.destination === 'forgetful@example.com')?.code;
    expect(code).toMatch(/^\d+$/);
    const wrong = await errorOf(
      browser.send(
        new ConfirmForgotPasswordCommand({
          ClientId: local.outputs.UserPoolClientId,
          Username: 'forgetful@example.com',
          ConfirmationCode: '000000x',
          Password: 'Remembered123!',
        }),
      ),
    );
    expect(wrong.name).toBe('CodeMismatchException');
    await browser.send(
      new ConfirmForgotPasswordCommand({
        ClientId: local.outputs.UserPoolClientId,
        Username: 'forgetful@example.com',
        ConfirmationCode: code!,
        Password: 'Remembered123!',
      }),
    );
    expect((await passwordSignIn('forgetful@example.com', 'Remembered123!')).AccessToken).toBeDefined();
  });

  it('asks an account made with a temporary password for a new one, after checking the temporary one', async () => {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: local.outputs.UserPoolId,
        Username: 'newcomer@example.com',
        TemporaryPassword: 'Temp1234!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'newcomer@example.com' }],
      }),
    );
    // cognito-local alone hands out the challenge whatever the password.
    const wrong = await errorOf(passwordSignIn('newcomer@example.com', 'NotTheTemp1!'));
    expect(wrong).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const first = await browser.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: local.outputs.UserPoolClientId,
        AuthParameters: { USERNAME: 'newcomer@example.com', PASSWORD: 'Temp1234!' },
      }),
    );
    // The new password meets the pool's policy, as in Cognito (cognito-local alone takes any).
    const weak = await errorOf(
      browser.send(
        new RespondToAuthChallengeCommand({
          ClientId: local.outputs.UserPoolClientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: first.Session!,
          ChallengeResponses: { USERNAME: 'newcomer@example.com', NEW_PASSWORD: 'short' },
        }),
      ),
    );
    expect(weak.name).toBe('InvalidPasswordException');
    expect(weak.message).toContain('at least 8 characters');
    const challenge = await browser.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: local.outputs.UserPoolClientId,
        AuthParameters: { USERNAME: 'newcomer@example.com', PASSWORD: 'Temp1234!' },
      }),
    );
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const answered = await browser.send(
      new RespondToAuthChallengeCommand({
        ClientId: local.outputs.UserPoolClientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session!,
        ChallengeResponses: { USERNAME: 'newcomer@example.com', NEW_PASSWORD: 'Permanent1!' },
      }),
    );
    expect(answered.AuthenticationResult?.ExpiresIn).toBe(USER_POOL_TOKEN_VALIDITY.accessTokenMinutes * 60);
    expect((await passwordSignIn('newcomer@example.com', 'Permanent1!')).IdToken).toBeDefined();
  });
});
