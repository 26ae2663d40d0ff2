import { createRequire } from 'node:module';

// cognito-local is CommonJS and exposes its errors only by path.
const require = createRequire(import.meta.url);
const { UserNotFoundError } = require('cognito-local/lib/errors');

/** One cognito-local target: (ctx, request) -> response. */
type TargetHandler = (ctx: unknown, req: Record<string, unknown>) => Promise<unknown>;
type Router = (target: string) => TargetHandler;

interface CognitoServices {
  cognito: {
    getUserPool(
      ctx: unknown,
      id: unknown,
    ): Promise<{
      getUserByUsername(ctx: unknown, username: unknown): Promise<Record<string, unknown> | null>;
      saveUser(ctx: unknown, user: Record<string, unknown>): Promise<void>;
    }>;
  };
  clock: { get(): Date };
}

/**
 * Adds AdminUserGlobalSignOut, which cognito-local lacks, to its router: as
 * in Cognito, every refresh token of the user is revoked, so a session cannot
 * be renewed (cognito-local finds a refresh token's user by the tokens it
 * keeps on the user). The account service calls it when it deletes or
 * disables an account.
 */
export function withGlobalSignOut(router: Router, services: CognitoServices): Router {
  const signOut: TargetHandler = async (ctx, req) => {
    const pool = await services.cognito.getUserPool(ctx, req.UserPoolId);
    const user = await pool.getUserByUsername(ctx, req.Username);
    if (!user) throw new UserNotFoundError();
    await pool.saveUser(ctx, { ...user, RefreshTokens: [], UserLastModifiedDate: services.clock.get() });
    return {};
  };
  return (target) => (target === 'AdminUserGlobalSignOut' ? signOut : router(target));
}
