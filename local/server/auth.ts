import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import type { AuthRule } from './schema';

/** The AppSync identity of a Cognito user pool caller, as direct Lambda resolvers receive it. */
export interface CognitoIdentity {
  sub: string;
  username: string;
  groups: string[] | null;
  claims: JWTPayload;
  issuer: string;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW';
}

/** The AppSync identity of an IAM (SigV4) caller: locally only the in-process backend. */
export interface IamIdentity {
  accountId: string;
  userArn: string;
  username: string;
  sourceIp: string[];
  cognitoIdentityPoolId: null;
  cognitoIdentityId: null;
  cognitoIdentityAuthType: null;
  cognitoIdentityAuthProvider: null;
}

export type Identity = CognitoIdentity | IamIdentity;

export const isIam = (identity: Identity): identity is IamIdentity => 'userArn' in identity;

/** The identity the local processor uses for `@aws_iam` mutations. */
export const LOCAL_BACKEND_IDENTITY: IamIdentity = {
  accountId: '000000000000',
  userArn: 'arn:aws:sts::000000000000:assumed-role/yvr-local-calibration/local',
  username: 'yvr-local-calibration',
  sourceIp: ['127.0.0.1'],
  cognitoIdentityPoolId: null,
  cognitoIdentityId: null,
  cognitoIdentityAuthType: null,
  cognitoIdentityAuthProvider: null,
};

/** A request AppSync would refuse before any resolver runs (HTTP 401, errorType UnauthorizedException). */
export class UnauthorizedRequestError extends Error {
  override readonly name = 'UnauthorizedRequestError';
  readonly errorType = 'UnauthorizedException';
}

export interface TokenVerifierOptions {
  issuer: string;
  jwksUri: string;
  userPoolClientId: string;
  /**
   * The pool's public keys, held in-process: when given, tokens are checked
   * against these keys alone and `jwksUri` is never fetched (the local mode
   * passes its per-data-dir key, issue 12).
   */
  jwks?: JSONWebKeySet;
}

export type TokenVerifier = (
  authorization: string | undefined,
  sourceIp?: string,
) => Promise<CognitoIdentity>;

/**
 * Verifies a Cognito ID or access token (bare or `Bearer`) against the user
 * pool's JWKS: signature, issuer, expiry, token_use, and the app client
 * (`aud` on ID tokens, `client_id` on access tokens), as AppSync does.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const jwks = options.jwks
    ? createLocalJWKSet(options.jwks)
    : createRemoteJWKSet(new URL(options.jwksUri), { cacheMaxAge: Infinity, cooldownDuration: 1_000 });
  // A dashboard sends the same token with every request: remember verified ones until they expire,
  // so the RSA check runs once per token, not once per request.
  const verified = new Map<string, { identity: CognitoIdentity; exp: number }>();
  return async (authorization, sourceIp = '127.0.0.1') => {
    const token = authorization?.replace(/^Bearer\s+/i, '').trim();
    if (!token) throw new UnauthorizedRequestError('Valid authorization header not provided.');
    const known = verified.get(token);
    if (known && known.exp > Date.now() / 1000) return { ...known.identity, sourceIp: [sourceIp] };
    if (known) verified.delete(token);
    const identity = await verify(token, sourceIp);
    if (verified.size >= 1_000) verified.delete(verified.keys().next().value!);
    verified.set(token, { identity, exp: Number(identity.claims.exp ?? 0) });
    return identity;
  };

  async function verify(token: string, sourceIp: string): Promise<CognitoIdentity> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer: options.issuer, algorithms: ['RS256'] }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedRequestError('Token has expired.');
      throw new UnauthorizedRequestError(
        'You are not authorized to make this call: the token is not one this user pool issued.',
      );
    }
    const use = claims.token_use;
    const client = use === 'id' ? claims.aud : use === 'access' ? claims.client_id : undefined;
    if (use !== 'id' && use !== 'access') {
      throw new UnauthorizedRequestError(
        'You are not authorized to make this call: use a Cognito ID or access token.',
      );
    }
    if (client !== options.userPoolClientId) {
      throw new UnauthorizedRequestError(
        'You are not authorized to make this call: the token belongs to another app client.',
      );
    }
    const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : null;
    const username = String(claims['cognito:username'] ?? claims.username ?? claims.sub);
    return {
      sub: String(claims.sub),
      username,
      groups,
      claims,
      issuer: options.issuer,
      sourceIp: [sourceIp],
      defaultAuthStrategy: 'ALLOW',
    };
  }
}

/** True when `identity` may read a field with `rule` (AppSync's directive semantics). */
export function allows(rule: AuthRule | undefined, identity: Identity): boolean {
  if (!rule) return true;
  if (isIam(identity)) return rule.iam;
  if (!rule.cognitoGroups) return false;
  if (rule.cognitoGroups.length === 0) return true;
  return (identity.groups ?? []).some((g) => rule.cognitoGroups!.includes(g));
}
