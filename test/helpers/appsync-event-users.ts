import type { AppSyncResolverEvent } from 'aws-lambda';

/** Who calls: a Cognito user pool identity as AppSync puts it in a direct Lambda resolver event. */
export interface TestIdentity {
  sub: string;
  groups: string[];
  email?: string;
  username?: string;
}

export const adminIdentity = (sub = 'admin-sub', email = 'admin@example.com'): TestIdentity => ({
  sub,
  groups: ['admin'],
  email,
});

export const userIdentity = (sub: string, email?: string): TestIdentity => ({
  sub,
  groups: ['user'],
  ...(email ? { email } : {}),
});

/**
 * Builds the event AppSync sends the API Lambda for one field, with the
 * identity of an ID token (groups and email in the claims). `identity: null`
 * is an unsigned request.
 */
export function appSyncEvent<TArgs extends Record<string, unknown>>(options: {
  typeName: 'Query' | 'Mutation';
  fieldName: string;
  args?: TArgs;
  identity: TestIdentity | null;
}): AppSyncResolverEvent<TArgs> {
  const { identity } = options;
  return {
    arguments: (options.args ?? {}) as TArgs,
    identity: identity
      ? {
          sub: identity.sub,
          username: identity.username ?? identity.sub,
          groups: identity.groups,
          issuer: 'https://cognito-idp.local/test-pool',
          sourceIp: ['127.0.0.1'],
          defaultAuthStrategy: 'ALLOW',
          claims: {
            sub: identity.sub,
            'cognito:groups': identity.groups,
            'cognito:username': identity.username ?? identity.sub,
            ...(identity.email ? { email: identity.email } : {}),
            token_use: 'id',
          },
        }
      : null,
    source: null,
    request: { headers: { 'content-type': 'application/json' }, domainName: null },
    prev: null,
    info: {
      fieldName: options.fieldName,
      parentTypeName: options.typeName,
      variables: {},
      selectionSetList: [],
      selectionSetGraphQL: '',
    },
    stash: {},
  } as unknown as AppSyncResolverEvent<TArgs>;
}

export const query = <TArgs extends Record<string, unknown>>(
  fieldName: string,
  identity: TestIdentity | null,
  args?: TArgs,
) => appSyncEvent({ typeName: 'Query', fieldName, identity, ...(args ? { args } : {}) });

export const mutation = <TArgs extends Record<string, unknown>>(
  fieldName: string,
  identity: TestIdentity | null,
  args?: TArgs,
) => appSyncEvent({ typeName: 'Mutation', fieldName, identity, ...(args ? { args } : {}) });
