import type { AppSyncResolverEvent } from 'aws-lambda';
import { isErrorEnvelope, type ErrorEnvelope } from '../core/shared/errors';

/**
 * Who calls: a Cognito user in groups, the backend signed with IAM, or nobody
 * (an unsigned request). A user's `email` claim defaults to
 * `<username>@example.com`; `email: null` leaves the claim out, as an access
 * token or a pool without email would.
 */
export type TestIdentity =
  | { kind: 'user'; sub?: string; username?: string; email?: string | null; groups?: string[] }
  | { kind: 'iam'; userArn?: string }
  | { kind: 'none' };

export const admin = (username = 'ada'): TestIdentity => ({ kind: 'user', username, groups: ['admin'] });
export const user = (username = 'ursula'): TestIdentity => ({ kind: 'user', username, groups: ['user'] });

/**
 * A user known by its Cognito `sub` (its username the same), as the profile
 * and account tests key people: email claim only when one is given.
 */
export const userWithSub = (sub: string, email?: string): TestIdentity => ({
  kind: 'user',
  sub,
  username: sub,
  groups: ['user'],
  email: email ?? null,
});
export const adminWithSub = (sub = 'admin-sub', email = 'admin@example.com'): TestIdentity => ({
  kind: 'user',
  sub,
  username: sub,
  groups: ['admin'],
  email,
});
export const nobody = (): TestIdentity => ({ kind: 'none' });
export const backend = (): TestIdentity => ({
  kind: 'iam',
  userArn: 'arn:aws:iam::123456789012:role/yvr-test-calibration',
});

export interface EventOptions {
  identity?: TestIdentity;
  selectionSetList?: string[];
}

/**
 * An AppSync direct Lambda resolver event as AppSync sends it for one root
 * field, with the identity shape of the Cognito user pool or IAM auth mode.
 */
export function appSyncEvent<TArgs extends Record<string, unknown>>(
  parentTypeName: 'Query' | 'Mutation',
  fieldName: string,
  args: TArgs,
  options: EventOptions = {},
): AppSyncResolverEvent<TArgs> {
  const identity = toIdentity(options.identity ?? admin());
  return {
    arguments: args,
    identity,
    source: null,
    request: { headers: { 'x-forwarded-for': '127.0.0.1' }, domainName: null },
    prev: null,
    info: {
      fieldName,
      parentTypeName,
      variables: {},
      selectionSetList: options.selectionSetList ?? ['id'],
      selectionSetGraphQL: '{ id }',
    },
    stash: {},
  } as unknown as AppSyncResolverEvent<TArgs>;
}

export const query = <TArgs extends Record<string, unknown>>(
  field: string,
  args: TArgs,
  options?: EventOptions,
) => appSyncEvent('Query', field, args, options);
export const mutation = <TArgs extends Record<string, unknown>>(
  field: string,
  args: TArgs,
  options?: EventOptions,
) => appSyncEvent('Mutation', field, args, options);

function toIdentity(identity: TestIdentity): unknown {
  if (identity.kind === 'none') return null;
  if (identity.kind === 'iam') {
    return {
      accountId: '123456789012',
      userArn: identity.userArn ?? 'arn:aws:iam::123456789012:role/test',
      cognitoIdentityPoolId: null,
      sourceIp: ['127.0.0.1'],
      username: 'AROAEXAMPLE:session',
    };
  }
  const username = identity.username ?? 'tester';
  const sub = identity.sub ?? `sub-${username}`;
  const groups = identity.groups ?? [];
  const email = identity.email === undefined ? `${username}@example.com` : identity.email;
  return {
    sub,
    username,
    groups,
    issuer: 'https://cognito-idp.local/local_pool',
    sourceIp: ['127.0.0.1'],
    defaultAuthStrategy: 'ALLOW',
    claims: {
      sub,
      'cognito:username': username,
      'cognito:groups': groups,
      ...(email === null ? {} : { email }),
      token_use: 'id',
    },
  };
}

/** The answer as data; throws (failing the test) when it is an `__error` envelope. */
export function dataOf<T>(answer: unknown): T {
  if (isErrorEnvelope(answer)) throw new Error(`expected data, got ${JSON.stringify(answer.__error)}`);
  return answer as T;
}

/** The `__error` of an answer; throws (failing the test) when it is data. */
export function errorOf(answer: unknown): ErrorEnvelope['__error'] {
  if (!isErrorEnvelope(answer)) throw new Error(`expected an error, got ${JSON.stringify(answer)}`);
  return answer.__error;
}
