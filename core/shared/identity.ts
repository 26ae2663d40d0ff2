import { UnauthorizedError } from './errors';

/**
 * The caller of an API operation, taken from the AppSync event's identity
 * (Cognito user pools or IAM). Services receive it; they never read events.
 */
export type Group = 'admin' | 'user';

export type Caller =
  | {
      kind: 'user';
      /** Cognito `sub`: the key of the caller's profile. */
      sub: string;
      username: string;
      email?: string;
      groups: Group[];
    }
  | {
      /** The backend itself (the processor, signed with SigV4 in AWS). */
      kind: 'iam';
      principal: string;
    };

/** A caller signed in through Cognito (not the backend's IAM role). */
export type SignedInCaller = Extract<Caller, { kind: 'user' }>;

/**
 * The caller checks of one API area, refused in its own words: `member`
 * passes a signed-in member of the admin or user group, `admin` an admin
 * only. Each answers the signed-in caller, so the area reads its sub and groups.
 */
export function callerGuards(refusals: { notMember: string; notAdmin: string }): {
  member: (caller: Caller) => SignedInCaller;
  admin: (caller: Caller) => SignedInCaller;
} {
  const member = (caller: Caller): SignedInCaller => {
    if (caller.kind !== 'user' || !caller.groups.some((g) => g === 'admin' || g === 'user')) {
      throw new UnauthorizedError(refusals.notMember);
    }
    return caller;
  };
  const admin = (caller: Caller): SignedInCaller => {
    const signedIn = member(caller);
    if (!signedIn.groups.includes('admin')) throw new UnauthorizedError(refusals.notAdmin);
    return signedIn;
  };
  return { member, admin };
}

export const isAdmin = (caller: Caller): boolean => caller.kind === 'user' && caller.groups.includes('admin');

/** Builds a Caller from an AppSync identity object (Cognito or IAM). Returns undefined when there is none. */
export function callerFromIdentity(identity: unknown): Caller | undefined {
  if (typeof identity !== 'object' || identity === null) return undefined;
  const id = identity as Record<string, unknown>;
  if (typeof id.sub === 'string') {
    const claims = (id.claims ?? {}) as Record<string, unknown>;
    const rawGroups = Array.isArray(id.groups)
      ? id.groups
      : Array.isArray(claims['cognito:groups'])
        ? (claims['cognito:groups'] as unknown[])
        : [];
    const groups = rawGroups.filter((g): g is Group => g === 'admin' || g === 'user');
    const username =
      typeof id.username === 'string'
        ? id.username
        : typeof claims['cognito:username'] === 'string'
          ? (claims['cognito:username'] as string)
          : id.sub;
    const email = typeof claims.email === 'string' ? claims.email : undefined;
    return { kind: 'user', sub: id.sub, username, groups, ...(email ? { email } : {}) };
  }
  if (typeof id.userArn === 'string' || typeof id.accountId === 'string') {
    return { kind: 'iam', principal: String(id.userArn ?? id.accountId) };
  }
  return undefined;
}
