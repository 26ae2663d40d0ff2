import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { JWTPayload } from 'jose';
import {
  SELF_SIGN_UP_ENABLED,
  TEMPORARY_PASSWORD_VALIDITY_DAYS,
  USER_POOL_TOKEN_VALIDITY,
} from '../../core/accounts/user-pool-settings';
import { passwordMessage } from '../../core/accounts/password-policy';
import { listenOn } from './listen';
import { readBody } from '../server/read-body';
import {
  createCognitoTokenChecker,
  TokenRefusedError,
  type RefreshContext,
  type TokenSigningKey,
} from './cognito-tokens';

/** The parts of a cognito-local user the front reads and writes. */
export interface FrontUser {
  Username: string;
  Enabled: boolean;
  UserStatus?: string;
  Password?: string;
  UserCreateDate?: Date | string | number;
  Attributes?: { Name?: string; Value?: string }[];
  RefreshTokens?: string[];
}

/** cognito-local's user pool service, as far as the front uses it. */
export interface FrontUserPool {
  getUserByUsername(ctx: object, username: string): Promise<FrontUser | null>;
  saveUser(ctx: object, user: FrontUser): Promise<void>;
}

/**
 * Refuses a request to a non-public operation, or lets it through: resolves
 * with the reason to refuse (a message, or Cognito's error code and message),
 * or undefined when the request is allowed. Issue 12's SigV4 verifier plugs in here.
 */
export type AdminRequestVerifier = (
  req: IncomingMessage,
  rawBody: Buffer,
) => Promise<string | { code: string; message: string } | undefined>;

export interface CognitoFrontOptions {
  port: number;
  host: string;
  /** cognito-local's router (`Router(services)`): target name to handler. */
  route(target: string): (ctx: object, body: Record<string, unknown>) => Promise<unknown>;
  /** True for cognito-local's `CognitoError` (carries Cognito's error code). */
  isCognitoError(err: unknown): err is Error & { code: string };
  /** True for cognito-local's `UnsupportedError`. */
  isUnsupported(err: unknown): boolean;
  /** Base request context for cognito-local (its logger). */
  context: object;
  poolForClient(ctx: object, clientId: string): Promise<FrontUserPool>;
  pool(ctx: object, userPoolId: string): Promise<FrontUserPool>;
  key: TokenSigningKey;
  /** Where revoked refresh-token ids are kept across restarts; omitted = memory. */
  revocationsFile?: string;
  /** Applied to every operation that AWS requires SigV4 for (admin and pool management). */
  verifyAdminRequest?: AdminRequestVerifier;
  now?: () => number;
}

export interface CognitoFront {
  port: number;
  endpoint: string;
  server: Server;
  stop(): Promise<void>;
}

/** Operations that act for the user whose access token they carry. */
const ACCESS_TOKEN_TARGETS = new Set([
  'GetUser',
  'ChangePassword',
  'UpdateUserAttributes',
  'DeleteUserAttributes',
  'VerifyUserAttribute',
  'GetUserAttributeVerificationCode',
  'DeleteUser',
  'SetUserMFAPreference',
  'VerifySoftwareToken',
  'ListDevices',
  'GetDevice',
  'ForgetDevice',
  'ConfirmDevice',
  'UpdateDeviceStatus',
]);

/**
 * The operations a browser calls without AWS credentials (Cognito's
 * "unauthenticated" and "token-authorized" operations): those above, and the
 * sign-in, sign-up and recovery flows. Everything else is an admin or
 * management operation that AWS only answers with a SigV4 signature.
 */
export const PUBLIC_TARGETS = new Set([
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetTokensFromRefreshToken',
  'RevokeToken',
  'GlobalSignOut',
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'AssociateSoftwareToken',
  ...ACCESS_TOKEN_TARGETS,
]);

/** Cognito's body limit is far below this; a larger body is refused before it is parsed. */
const MAX_BODY_BYTES = 256 * 1024;
const INCORRECT = 'Incorrect username or password.';
const EXPIRES_IN = USER_POOL_TOKEN_VALIDITY.accessTokenMinutes * 60;

/** An error answered as Cognito answers it: HTTP 400 with `{ __type, message }`. */
class CognitoFault extends Error {
  override readonly name = 'CognitoFault';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The local user pool's endpoint: an HTTP layer over cognito-local's
 * operations (called in-process) that does what Amplify JS v6 and the AWS
 * pool do and cognito-local does not: `GetTokensFromRefreshToken`,
 * `GlobalSignOut` and revocation, tokens signed with the data dir's key,
 * Cognito's error names, no self sign-up, no sign-in for a disabled account,
 * verified access tokens, and a hook that guards admin operations.
 */
export async function startCognitoFront(options: CognitoFrontOptions): Promise<CognitoFront> {
  const now = options.now ?? Date.now;
  const revoked = new RevokedTokens(options.revocationsFile, now);
  let endpoint = '';
  const check = createCognitoTokenChecker(options.key, () => endpoint);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[cognito] request failed', err);
      if (!res.headersSent)
        send(res, 500, {
          __type: 'InternalErrorException',
          message: 'The local user pool failed; see its log.',
        });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = safePath(req.url);
    const target = targetOf(req);
    const open = target !== undefined && PUBLIC_TARGETS.has(target);
    if (req.method === 'OPTIONS') {
      browserCors(req, res);
      return void res.writeHead(204).end();
    }
    const jwks = /^\/([\w-]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(path ?? '');
    if (req.method === 'GET' && jwks) {
      browserCors(req, res);
      if (jwks[2] === 'jwks.json') return send(res, 200, options.key.jwks, 'application/json');
      return send(
        res,
        200,
        {
          issuer: `${endpoint}/${jwks[1]}`,
          jwks_uri: `${endpoint}/${jwks[1]}/.well-known/jwks.json`,
          id_token_signing_alg_values_supported: ['RS256'],
        },
        'application/json',
      );
    }
    if (req.method === 'GET' && path === '/health') return send(res, 200, { ok: true }, 'application/json');
    if (req.method !== 'POST' || path !== '/')
      return send(res, 404, { __type: 'UnknownOperationException', message: 'Nothing here.' });
    // Browsers may read only the answers of the operations a browser is meant to call.
    if (open) browserCors(req, res);
    if (!target)
      return send(res, 400, {
        __type: 'UnknownOperationException',
        message: 'Missing or malformed X-Amz-Target header (AWSCognitoIdentityProviderService.<Operation>).',
      });

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch {
      return send(res, 413, { __type: 'SerializationException', message: 'Request body too large.' });
    }
    if (!open && options.verifyAdminRequest) {
      const refusal = await options.verifyAdminRequest(req, raw);
      if (refusal !== undefined) {
        const { code, message } =
          typeof refusal === 'string' ? { code: 'InvalidSignatureException', message: refusal } : refusal;
        return send(res, code === 'MissingAuthenticationTokenException' ? 403 : 400, {
          __type: code,
          message,
        });
      }
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.length ? raw.toString('utf8') : '{}');
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return send(res, 400, {
        __type: 'SerializationException',
        message: 'The request body is not a JSON object.',
      });
    }
    try {
      send(res, 200, await operate(target, body));
    } catch (err) {
      const fault = toFault(target, err);
      send(res, fault.status, { __type: fault.code, message: fault.message });
    }
  }

  async function operate(target: string, body: Record<string, unknown>): Promise<unknown> {
    const ctx = { ...options.context };
    // cognito-local takes any new password; the pool's policy (the CDK pool's, core/accounts) applies.
    const proposed = newPasswordOf(target, body);
    if (proposed !== undefined) {
      const problem = typeof proposed === 'string' ? passwordMessage(proposed) : 'must be a string';
      if (problem)
        throw new CognitoFault('InvalidPasswordException', `Password does not conform to policy: ${problem}`);
    }
    switch (target) {
      case 'SignUp':
        if (!SELF_SIGN_UP_ENABLED)
          throw new CognitoFault('NotAuthorizedException', 'SignUp is not permitted for this user pool');
        break;
      case 'InitiateAuth': {
        const flow = body.AuthFlow;
        const params = (body.AuthParameters ?? {}) as Record<string, unknown>;
        if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN')
          return refresh(ctx, String(body.ClientId ?? ''), params.REFRESH_TOKEN);
        if (flow === 'USER_PASSWORD_AUTH') await checkPassword(ctx, body, params);
        else
          throw new CognitoFault(
            'InvalidParameterException',
            `The local user pool supports the flows USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, not ${String(flow)}; ` +
              "with Amplify, sign in with options: { authFlowType: 'USER_PASSWORD_AUTH' }.",
          );
        return withExpiry(await options.route(target)(ctx, body));
      }
      case 'GetTokensFromRefreshToken':
        return refresh(ctx, String(body.ClientId ?? ''), body.RefreshToken);
      case 'RespondToAuthChallenge':
        return withExpiry(await options.route(target)(ctx, body));
      case 'RevokeToken': {
        const claims = await check(body.Token, 'refresh').catch(() => {
          throw new CognitoFault(
            'UnsupportedTokenTypeException',
            'The token is not a refresh token of this pool.',
          );
        });
        if (claims.client_id !== body.ClientId)
          throw new CognitoFault('UnauthorizedException', 'The token was not issued to this client.');
        await signOut(ctx, claims, String(body.Token));
        return {};
      }
      case 'GlobalSignOut': {
        const claims = await accessClaims(body.AccessToken);
        await signOut(ctx, claims);
        return {};
      }
      case 'AdminUserGlobalSignOut': {
        const pool = await options.pool(ctx, String(body.UserPoolId ?? ''));
        const user = await pool.getUserByUsername(ctx, String(body.Username ?? ''));
        if (!user) throw new CognitoFault('UserNotFoundException', 'User does not exist.');
        await revokeAll(ctx, pool, user, () => true);
        return {};
      }
      default:
        // cognito-local only decodes access tokens; Cognito verifies them, so a forged one acts for nobody.
        if (body.AccessToken !== undefined || ACCESS_TOKEN_TARGETS.has(target))
          await accessClaims(body.AccessToken);
    }
    return options.route(target)(ctx, body);
  }

  /** An access token the way Cognito's token-authorized operations take it: ours, current, not revoked. */
  async function accessClaims(token: unknown): Promise<JWTPayload> {
    const claims = await check(token, 'access');
    if (typeof claims.origin_jti === 'string' && revoked.has(claims.origin_jti))
      throw new TokenRefusedError('Access Token has been revoked');
    return claims;
  }

  async function refresh(ctx: object, clientId: string, token: unknown) {
    const claims = await check(token, 'refresh');
    if (revoked.has(String(claims.jti))) throw new TokenRefusedError('Refresh Token has been revoked');
    if (claims.client_id !== clientId) throw new TokenRefusedError('Invalid Refresh Token');
    const refreshCtx: RefreshContext = {
      refresh: { jti: String(claims.jti), authTime: Number(claims.auth_time ?? claims.iat) },
    };
    const result = (await options.route('InitiateAuth')(
      { ...ctx, ...refreshCtx },
      { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: token } },
    )) as { AuthenticationResult?: Record<string, unknown> };
    return withExpiry({ AuthenticationResult: result.AuthenticationResult ?? {} });
  }

  /**
   * What cognito-local skips: the temporary password is checked before the
   * NEW_PASSWORD_REQUIRED challenge (and expires as the pool sets), and a
   * disabled account is refused.
   */
  async function checkPassword(ctx: object, body: Record<string, unknown>, params: Record<string, unknown>) {
    const pool = await options.poolForClient(ctx, String(body.ClientId ?? '')).catch(() => undefined);
    if (!pool) return;
    const user = await pool.getUserByUsername(ctx, String(params.USERNAME ?? ''));
    if (!user || user.Password !== params.PASSWORD)
      throw new CognitoFault('NotAuthorizedException', INCORRECT);
    if (user.Enabled === false) throw new CognitoFault('NotAuthorizedException', 'User is disabled.');
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD' && user.UserCreateDate !== undefined) {
      const created = new Date(user.UserCreateDate).getTime();
      if (now() - created > TEMPORARY_PASSWORD_VALIDITY_DAYS * 86_400_000)
        throw new CognitoFault(
          'NotAuthorizedException',
          'Temporary password has expired and must be reset by an administrator.',
        );
    }
  }

  /** Revokes one refresh token (`only`) or, for a global sign-out, every one of the user's. */
  async function signOut(ctx: object, claims: JWTPayload, only?: string) {
    const iss = String(claims.iss ?? '');
    const pool = await options.pool(ctx, iss.slice(endpoint.length + 1));
    const user = await pool.getUserByUsername(ctx, String(claims.username ?? claims.sub ?? ''));
    if (only) revoked.add(String(claims.jti));
    else if (typeof claims.origin_jti === 'string') revoked.add(claims.origin_jti);
    if (user) await revokeAll(ctx, pool, user, only ? (t) => t === only : () => true);
  }

  async function revokeAll(ctx: object, pool: FrontUserPool, user: FrontUser, which: (t: string) => boolean) {
    const kept: string[] = [];
    for (const token of user.RefreshTokens ?? []) {
      if (!which(token)) {
        kept.push(token);
        continue;
      }
      const jti = jtiOf(token);
      if (jti) revoked.add(jti);
    }
    await pool.saveUser(ctx, { ...user, RefreshTokens: kept });
  }

  const port = await listenOn(server, options.port, options.host, 'COGNITO_PORT');
  endpoint = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`;
  return {
    port,
    endpoint,
    server,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  /** Cognito's names for what cognito-local reports otherwise. */
  function toFault(target: string, err: unknown): CognitoFault {
    if (err instanceof CognitoFault) return err;
    if (err instanceof TokenRefusedError) return new CognitoFault(err.code, err.message);
    if (options.isUnsupported(err))
      return new CognitoFault(
        'InvalidParameterException',
        `The local user pool does not support this: ${(err as Error).message}`,
      );
    // cognito-local trusts the request's shape; a TypeError is a malformed request, as Cognito would say.
    if (err instanceof TypeError)
      return new CognitoFault('InvalidParameterException', `The request is not a valid ${target} request.`);
    if (!options.isCognitoError(err)) throw err;
    const { code, message } = err;
    if (target === 'InitiateAuth' && message !== 'User is disabled.') {
      // The app client prevents user-existence errors: an unknown user and a wrong password read the same.
      if (['InvalidPasswordException', 'UserNotFoundException', 'NotAuthorizedException'].includes(code))
        return new CognitoFault('NotAuthorizedException', INCORRECT);
    }
    if (target === 'ChangePassword' && code === 'InvalidPasswordException' && message === 'Invalid password')
      return new CognitoFault('NotAuthorizedException', INCORRECT);
    if (target === 'ConfirmForgotPassword' && code === 'UserNotFoundException')
      return new CognitoFault(
        'CodeMismatchException',
        'Invalid verification code provided, please try again.',
      );
    return new CognitoFault(code, message);
  }
}

/** The new password a request sets, if any (undefined when it sets none). */
function newPasswordOf(target: string, body: Record<string, unknown>): unknown {
  switch (target) {
    case 'ChangePassword':
      return body.ProposedPassword;
    case 'ConfirmForgotPassword':
    case 'AdminSetUserPassword':
      return body.Password;
    case 'RespondToAuthChallenge':
      return body.ChallengeName === 'NEW_PASSWORD_REQUIRED'
        ? (body.ChallengeResponses as Record<string, unknown> | undefined)?.NEW_PASSWORD
        : undefined;
    default:
      return undefined;
  }
}

/** Cognito answers `ExpiresIn` and `TokenType` with every token set; cognito-local leaves them out. */
function withExpiry(result: unknown): unknown {
  const r = result as { AuthenticationResult?: Record<string, unknown> };
  if (!r?.AuthenticationResult) return result;
  const auth = Object.fromEntries(Object.entries(r.AuthenticationResult).filter(([, v]) => v !== undefined));
  return { ...r, AuthenticationResult: { ...auth, ExpiresIn: EXPIRES_IN, TokenType: 'Bearer' } };
}

function jtiOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload?.jti === 'string' ? payload.jti : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refresh-token ids that were revoked (RevokeToken, GlobalSignOut), with their
 * expiry: the tokens refreshed from them (`origin_jti`) are refused too.
 */
class RevokedTokens {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly file: string | undefined,
    private readonly now: () => number,
  ) {
    if (file && existsSync(file)) {
      try {
        for (const [id, exp] of Object.entries(
          JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>,
        ))
          this.ids.set(id, exp);
      } catch {
        // Unreadable: every refresh token also leaves the user's record when revoked, so only the
        // access tokens of the last hour may pass again; start afresh.
      }
    }
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    const horizon = this.now() + USER_POOL_TOKEN_VALIDITY.refreshTokenDays * 86_400_000;
    this.ids.set(id, horizon);
    for (const [k, exp] of this.ids) if (exp < this.now()) this.ids.delete(k);
    if (this.file) writeFileSync(this.file, JSON.stringify(Object.fromEntries(this.ids)), { mode: 0o600 });
  }
}

function targetOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-amz-target'];
  if (typeof header !== 'string') return undefined;
  const [service, target] = header.split('.');
  return service === 'AWSCognitoIdentityProviderService' && target && /^\w{1,64}$/.test(target)
    ? target
    : undefined;
}

function safePath(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://local').pathname;
  } catch {
    return undefined;
  }
}

/** CORS as cognito-idp answers it for browser operations. */
function browserCors(req: IncomingMessage, res: ServerResponse) {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
  res.setHeader(
    'access-control-allow-headers',
    req.headers['access-control-request-headers'] ?? 'content-type, x-amz-target, x-amz-user-agent',
  );
  res.setHeader('access-control-max-age', '86400');
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/x-amz-json-1.1') {
  // cognito-local's dates travel as epoch seconds, as Cognito sends them.
  const text = JSON.stringify(body, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Date ? Math.floor(raw.getTime() / 1000) : value;
  });
  res.writeHead(status, { 'content-type': type }).end(text);
}
