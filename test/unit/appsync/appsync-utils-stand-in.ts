/**
 * A small stand-in for the APPSYNC_JS runtime's `util` and `extensions`:
 * @aws-appsync/utils is types only at run time. `util.error` throws, as it
 * ends the resolver in AppSync; filters and calls are recorded for assertions.
 */
export class AppSyncError extends Error {
  constructor(
    message: string,
    readonly errorType: string | undefined,
  ) {
    super(message);
  }
}

export const recorded = {
  subscriptionFilters: [] as unknown[],
  reset(): void {
    this.subscriptionFilters = [];
  },
};

export const util = {
  error(message: string, errorType?: string): never {
    throw new AppSyncError(message, errorType);
  },
  transform: {
    toSubscriptionFilter(filter: unknown): unknown {
      return { converted: filter };
    },
  },
};

export const extensions = {
  setSubscriptionFilter(filter: unknown): void {
    recorded.subscriptionFilters.push(filter);
  },
};

/** An AppSync resolver context with what a Query/Mutation resolver sees, overridable. */
export function contextFor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    arguments: {},
    args: {},
    identity: {
      sub: 'sub-1',
      username: 'sub-1',
      claims: { 'cognito:groups': ['admin'], email: 'ada@example.com' },
      groups: ['admin'],
      issuer: 'https://cognito-idp.ca-central-1.amazonaws.com/ca-central-1_x',
      sourceIp: ['203.0.113.9'],
      defaultAuthStrategy: 'ALLOW',
    },
    source: null,
    request: {
      headers: { authorization: 'eyJ...', host: 'x.appsync-api.ca-central-1.amazonaws.com' },
      domainName: null,
    },
    info: {
      fieldName: 'device',
      parentTypeName: 'Query',
      variables: { id: 'buoy-7' },
      selectionSetList: ['id', 'name', 'sensors', 'sensors/id'],
      selectionSetGraphQL: '{ id name sensors { id } }',
    },
    stash: {},
    prev: undefined,
    result: undefined,
    error: undefined,
    ...overrides,
  };
}
