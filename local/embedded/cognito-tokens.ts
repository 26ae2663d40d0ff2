import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';
import { USER_POOL_TOKEN_VALIDITY } from '../../core/accounts/user-pool-settings';

/**
 * The key the local user pool signs its tokens with: made on the first start
 * and kept in the data dir (owner-only), so no one without that file can mint
 * a token the local server accepts. cognito-local's own key ships inside its
 * npm package and is never trusted.
 */
export interface TokenSigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The public half as a JWKS (what `/.well-known/jwks.json` serves). */
  jwks: JSONWebKeySet;
}

/** The key file exists but cannot be read as an RSA private key. */
export class TokenKeyError extends Error {
  override readonly name = 'TokenKeyError';
}

/** Loads the signing key from `file`, making it on the first start. */
export async function loadSigningKey(file: string): Promise<TokenSigningKey> {
  let privateKey: KeyObject;
  if (existsSync(file)) {
    try {
      privateKey = createPrivateKey(readFileSync(file, 'utf8'));
      if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
    } catch (err) {
      throw new TokenKeyError(
        `The token signing key ${file} cannot be read (${(err as Error).message}). Delete it to make a new one ` +
          'at the next start; tokens issued before then stop working and everyone signs in again.',
        { cause: err },
      );
    }
  } else {
    mkdirSync(dirname(file), { recursive: true });
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const jwk: JWK = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] } };
}

/** The parts of a cognito-local user the tokens are made from. */
export interface TokenUser {
  Username: string;
  Enabled?: boolean;
  Attributes?: { Name?: string; Value?: string }[];
}

/**
 * What the front passes down to the token generator through cognito-local's
 * request context: the refresh token a refresh was asked with, so the new
 * tokens keep its `origin_jti` and `auth_time` as Cognito's do.
 */
export interface RefreshContext {
  refresh?: { jti: string; authTime: number };
}

/** A cognito-local error class, so the error travels to the client as `{ __type, message }`. */
export type CognitoErrorFactory = (code: string, message: string) => Error;

/**
 * Stands in for cognito-local's `JwtTokenGenerator` (same `generate`
 * signature): tokens as Cognito issues them (claims, `kid`, `origin_jti`),
 * signed with the data dir's key and living as long as the CDK app client
 * sets (core/accounts/user-pool-settings.ts). A disabled user gets none.
 */
export class LocalTokenGenerator {
  constructor(
    private readonly key: TokenSigningKey,
    private readonly issuerBase: () => string,
    private readonly cognitoError: CognitoErrorFactory,
    private readonly now: () => number = Date.now,
  ) {}

  async generate(
    ctx: RefreshContext,
    user: TokenUser,
    userGroups: string[],
    userPoolClient: { ClientId: string; UserPoolId: string },
  ): Promise<{ AccessToken: string; IdToken: string; RefreshToken: string }> {
    if (user.Enabled === false) throw this.cognitoError('NotAuthorizedException', 'User is disabled.');
    const iat = Math.floor(this.now() / 1000);
    const issuer = `${this.issuerBase()}/${userPoolClient.UserPoolId}`;
    const attribute = (name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;
    const sub = attribute('sub') ?? user.Username;
    const refreshJti = ctx.refresh?.jti ?? randomUUID();
    const authTime = ctx.refresh?.authTime ?? iat;
    const eventId = randomUUID();
    const groups = userGroups.length ? { 'cognito:groups': userGroups } : {};
    const custom = Object.fromEntries(
      (user.Attributes ?? [])
        .filter((a) => a.Name?.startsWith('custom:') && a.Value !== undefined)
        .map((a) => [a.Name!, a.Value!]),
    );
    const sign = (claims: JWTPayload, seconds: number) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: this.key.kid })
        .setIssuer(issuer)
        .setIssuedAt(iat)
        .setExpirationTime(iat + seconds)
        .setJti(randomUUID())
        .sign(this.key.privateKey);
    const minutes = (m: number) => m * 60;
    const accessToken = await sign(
      {
        sub,
        ...groups,
        client_id: userPoolClient.ClientId,
        origin_jti: refreshJti,
        event_id: eventId,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        auth_time: authTime,
        username: user.Username,
      },
      minutes(USER_POOL_TOKEN_VALIDITY.accessTokenMinutes),
    );
    const idToken = await sign(
      {
        sub,
        ...groups,
        email_verified: attribute('email_verified') === 'true',
        'cognito:username': user.Username,
        origin_jti: refreshJti,
        aud: userPoolClient.ClientId,
        event_id: eventId,
        token_use: 'id',
        auth_time: authTime,
        ...(attribute('email') ? { email: attribute('email') } : {}),
        ...custom,
      },
      minutes(USER_POOL_TOKEN_VALIDITY.idTokenMinutes),
    );
    // Cognito's refresh tokens are opaque to clients; here a signed token whose jti is the
    // origin_jti of every token refreshed from it (revoking it revokes them).
    const refreshToken = await new SignJWT({
      sub,
      username: user.Username,
      client_id: userPoolClient.ClientId,
      token_use: 'refresh',
      auth_time: authTime,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid })
      .setIssuer(issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + USER_POOL_TOKEN_VALIDITY.refreshTokenDays * 86_400)
      .setJti(refreshJti)
      .sign(this.key.privateKey);
    return { AccessToken: accessToken, IdToken: idToken, RefreshToken: refreshToken };
  }
}

/** Why a token was refused, in Cognito's words. */
export class TokenRefusedError extends Error {
  override readonly name = 'TokenRefusedError';
  readonly code = 'NotAuthorizedException';
}

/**
 * Verifies tokens the way Cognito's own APIs do before acting on them:
 * the data dir's key, the pool's issuer, the expected `token_use`.
 */
export function createCognitoTokenChecker(key: TokenSigningKey, issuerBase: () => string) {
  const jwks = createLocalJWKSet(key.jwks);
  return async (token: unknown, use: 'access' | 'refresh'): Promise<JWTPayload> => {
    const label = use === 'access' ? 'Access Token' : 'Refresh Token';
    if (typeof token !== 'string' || !token) throw new TokenRefusedError(`Invalid ${label}`);
    try {
      const { payload } = await jwtVerify(token, jwks, { algorithms: ['RS256'] });
      // `${endpoint}/${userPoolId}`: the front serves every pool of the local user directory.
      if (payload.token_use !== use || !String(payload.iss ?? '').startsWith(`${issuerBase()}/`))
        throw new TokenRefusedError(`Invalid ${label}`);
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new TokenRefusedError(`${label} has expired`);
      if (err instanceof TokenRefusedError) throw err;
      throw new TokenRefusedError(`Invalid ${label}`);
    }
  };
}
