import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SignJWT, importJWK, type JWK } from 'jose';
import fc from 'fast-check';
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalMode } from '../../../local/start-local';
import { PUBLIC_TARGETS } from '../../../local/embedded/cognito-front';
import {
  ADMIN,
  FREE_PORTS,
  createAccount,
  gql,
  signIn,
  startTestLocal,
  tempDir,
} from '../../../testkit/local-mode';
import { claimsOf } from './tokens';

// Issue 12 findings 1, 2 (Cognito's part) and 7 (local part), reproduced against the running local mode.

const data = tempDir('yvr-cognito-security-');
let local: LocalMode;
let cognito: CognitoIdentityProviderClient;
async function start(cognitoPort = 0) {
  local = await startTestLocal({
    dataDir: data.dir,
    ports: { ...FREE_PORTS, cognito: cognitoPort },
  });
  cognito?.destroy();
  cognito = new CognitoIdentityProviderClient({
    endpoint: local.outputs.CognitoEndpoint,
    region: local.outputs.Region,
    credentials: local.credentials,
  });
}

beforeAll(() => start());

afterAll(async () => {
  cognito?.destroy();
  await local?.stop();
  data.remove();
});

/** An unsigned call, as anyone who can reach the port can make it. */
async function rawCall(target: string, body: unknown, origin = 'http://evil.example') {
  const response = await fetch(local.outputs.CognitoEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
      origin,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    cors: response.headers.get('access-control-allow-origin'),
    body: (await response.json()) as { __type?: string; message?: string } & Record<string, unknown>,
  };
}

describe('issue 12 finding 1: tokens nobody else can mint', () => {
  it('refuses an admin token signed with the key cognito-local ships in its package', async () => {
    const { idToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    const keys = join(
      dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
      'lib/keys',
    );
    const { jwk } = JSON.parse(readFileSync(join(keys, 'cognitoLocal.private.json'), 'utf8')) as { jwk: JWK };
    const forged = await new SignJWT({ ...claimsOf(idToken), 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(await importJWK(jwk, 'RS256'));
    const response = await gql(
      local.outputs,
      forged,
      'mutation { addUserAccount(input: { email: "intruder@example.com", role: ADMIN }) { username } }',
    );
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.errorType).toBe('UnauthorizedException');
    const users = await cognito.send(
      new ListUsersCommand({
        UserPoolId: local.outputs.UserPoolId,
        Filter: 'email = "intruder@example.com"',
      }),
    );
    expect(users.Users).toEqual([]);
  });

  it('serves the JWKS of the key made for this data dir, kept there for its owner only', async () => {
    const { idToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    const header = JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString()) as { kid: string };
    const jwks = (await (await fetch(local.outputs.JwksUri)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([header.kid]);
    expect(header.kid).not.toBe('CognitoLocal');
    expect(local.cognito.signingKeyFile.startsWith(data.dir)).toBe(true);
    expect(statSync(local.cognito.signingKeyFile).mode & 0o077).toBe(0);
  });

  it('keeps the key across a restart and another data dir gets another key', async () => {
    const before = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    const kid = (await (await fetch(local.outputs.JwksUri)).json()) as { keys: { kid: string }[] };
    await local.stop();
    // The same Cognito port: the issuer names it, as a real restart keeps it.
    await start(local.cognito.port);
    const again = (await (await fetch(local.outputs.JwksUri)).json()) as { keys: { kid: string }[] };
    expect(again.keys[0]!.kid).toBe(kid.keys[0]!.kid);
    expect((await gql(local.outputs, before.idToken, '{ me { id } }')).status).toBe(200);

    const other = await startTestLocal();
    try {
      const otherKeys = (await (await fetch(other.outputs.JwksUri)).json()) as { keys: { kid: string }[] };
      expect(otherKeys.keys[0]!.kid).not.toBe(kid.keys[0]!.kid);
      // A token of one local mode is nothing to another.
      const response = await gql(other.outputs, before.idToken, '{ me { id } }');
      expect(response.status).toBe(401);
    } finally {
      await other.stop();
    }
  });
});

describe("issue 12 finding 2 (Cognito's part): the emulated API is not public", () => {
  it('refuses SignUp as the AWS pool does (self sign-up is off)', async () => {
    const response = await rawCall('SignUp', {
      ClientId: local.outputs.UserPoolClientId,
      Username: 'self@example.com',
      Password: 'SelfMade123!',
      UserAttributes: [{ Name: 'email', Value: 'self@example.com' }],
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      __type: 'NotAuthorizedException',
      message: 'SignUp is not permitted for this user pool',
    });
    const sdk = new CognitoIdentityProviderClient({
      endpoint: local.outputs.CognitoEndpoint,
      region: local.outputs.Region,
    });
    try {
      await expect(
        sdk.send(
          new SignUpCommand({
            ClientId: local.outputs.UserPoolClientId,
            Username: 'self@example.com',
            Password: 'SelfMade123!',
          }),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    } finally {
      sdk.destroy();
    }
    const users = await cognito.send(
      new ListUsersCommand({ UserPoolId: local.outputs.UserPoolId, Filter: 'email = "self@example.com"' }),
    );
    expect(users.Users).toEqual([]);
  });

  it('puts every admin operation behind the request verifier: an unsigned AdminAddUserToGroup moves nobody', async () => {
    await createAccount(local, 'climber@example.com', 'Climber123!', 'user');
    const response = await rawCall('AdminAddUserToGroup', {
      UserPoolId: local.outputs.UserPoolId,
      Username: 'climber@example.com',
      GroupName: 'admin',
    });
    expect(response.status).toBe(403);
    expect(response.body.__type).toBe('MissingAuthenticationTokenException');
    // No permissive CORS on an admin operation: a page on another origin cannot read the answer.
    expect(response.cors).toBeNull();
    const { idToken } = await signIn(local.outputs, 'climber@example.com', 'Climber123!');
    expect(claimsOf(idToken)['cognito:groups']).toEqual(['user']);
    // Every operation cognito-local knows that is not a browser operation, and the front's own admin one.
    const { Targets } = createRequire(import.meta.url)('cognito-local/lib/targets/targets') as {
      Targets: Record<string, unknown>;
    };
    const adminTargets = [...Object.keys(Targets), 'AdminUserGlobalSignOut'].filter(
      (t) => !PUBLIC_TARGETS.has(t),
    );
    expect(adminTargets.length).toBeGreaterThan(30);
    // Signed, but not with the local credentials' secret.
    const forger = new CognitoIdentityProviderClient({
      endpoint: local.outputs.CognitoEndpoint,
      region: local.outputs.Region,
      credentials: { accessKeyId: local.credentials.accessKeyId, secretAccessKey: 'guessed' },
    });
    await expect(
      forger.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: local.outputs.UserPoolId,
          Username: 'climber@example.com',
          GroupName: 'admin',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    forger.destroy();
    for (const target of adminTargets) {
      const refused = await rawCall(target, { UserPoolId: local.outputs.UserPoolId, Username: ADMIN.email });
      expect(refused.body.__type, target).toBe('MissingAuthenticationTokenException');
      expect(refused.cors, target).toBeNull();
    }
  });

  it('keeps the sign-in operations a browser needs open, with CORS for any origin', async () => {
    const response = await rawCall('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: local.outputs.UserPoolClientId,
      AuthParameters: { USERNAME: ADMIN.email, PASSWORD: ADMIN.password },
    });
    expect(response.status).toBe(200);
    expect(response.cors).toBe('*');
    expect((response.body.AuthenticationResult as { IdToken?: string }).IdToken).toEqual(expect.any(String));
    const preflight = await fetch(local.outputs.CognitoEndpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://dashboard.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-amz-target');
  });
});

describe('hostile requests to the Cognito front', () => {
  it('answers any JSON body to a browser operation with a Cognito error, never a crash or a token', async () => {
    const targets = [
      'InitiateAuth',
      'RespondToAuthChallenge',
      'GetTokensFromRefreshToken',
      'RevokeToken',
      'GlobalSignOut',
      'GetUser',
      'ChangePassword',
      'ForgotPassword',
      'ConfirmForgotPassword',
      'SignUp',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            ClientId: fc.oneof(fc.constant(local.outputs.UserPoolClientId), fc.jsonValue()),
            AuthFlow: fc.oneof(fc.constantFrom('USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH'), fc.jsonValue()),
            AuthParameters: fc.jsonValue(),
            AccessToken: fc.jsonValue(),
            RefreshToken: fc.jsonValue(),
            Token: fc.jsonValue(),
            Username: fc.jsonValue(),
          }),
        ),
        async (target, body) => {
          const response = await rawCall(target, body);
          expect(response.status, JSON.stringify(response.body)).toBe(400);
          expect(response.body.__type).toMatch(/^[A-Za-z]+Exception$/);
          expect(response.body).not.toHaveProperty('AuthenticationResult');
        },
      ),
      { numRuns: 150 },
    );
    const health = await fetch(`${local.outputs.CognitoEndpoint}/health`);
    expect(health.status).toBe(200);
  });

  it('answers malformed HTTP with errors and stays up', async () => {
    const post = (headers: Record<string, string>, body: string, path = '/') =>
      fetch(`${local.outputs.CognitoEndpoint}${path}`, { method: 'POST', headers, body });
    const noTarget = await post({ 'content-type': 'application/x-amz-json-1.1' }, '{}');
    expect(noTarget.status).toBe(400);
    const badJson = await post({ 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' }, '{"x":');
    expect(((await badJson.json()) as { __type: string }).__type).toBe('SerializationException');
    const huge = await post(
      { 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    const badPath = await post({}, '{}', '/%E0%A4%A');
    expect(badPath.status).toBe(404);
    expect((await fetch(`${local.outputs.CognitoEndpoint}/health`)).status).toBe(200);
  });
});

describe('issue 12 finding 7 (local part): a disabled or deleted account', () => {
  /** A user account signed in from a browser's client (no credentials); `run` may sign it in again or renew that session. */
  async function withSession(
    email: string,
    password: string,
    run: (signInAgain: () => Promise<unknown>, renew: () => Promise<unknown>) => Promise<void>,
  ) {
    await createAccount(local, email, password, 'user');
    const browser = new CognitoIdentityProviderClient({
      endpoint: local.outputs.CognitoEndpoint,
      region: local.outputs.Region,
    });
    const signInAgain = () =>
      browser.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: local.outputs.UserPoolClientId,
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
    try {
      const session = await signInAgain();
      const renew = () =>
        browser.send(
          new GetTokensFromRefreshTokenCommand({
            ClientId: local.outputs.UserPoolClientId,
            RefreshToken: session.AuthenticationResult!.RefreshToken!,
          }),
        );
      await run(signInAgain, renew);
    } finally {
      browser.destroy();
    }
  }

  it('cannot renew the session of a deleted account', async () => {
    await withSession('gone@example.com', 'Gone1234!', async (_signInAgain, renew) => {
      await cognito.send(
        new AdminDeleteUserCommand({ UserPoolId: local.outputs.UserPoolId, Username: 'gone@example.com' }),
      );
      await expect(renew()).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    });
  });

  it("cannot sign in, with Cognito's error, nor renew the session it had", async () => {
    await withSession('leaver@example.com', 'Leaver123!', async (signInAgain, renew) => {
      await cognito.send(
        new AdminDisableUserCommand({ UserPoolId: local.outputs.UserPoolId, Username: 'leaver@example.com' }),
      );
      await expect(signInAgain()).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'User is disabled.',
      });
      await expect(renew()).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'User is disabled.',
      });
    });
  });
});
