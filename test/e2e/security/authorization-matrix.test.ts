import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kind, parse } from 'graphql';
import type { LocalMode } from '../../../local/start-local';
import { AppSyncRealtimeClient } from '../../helpers/appsync-realtime-client';
import {
  ADMIN,
  createAccount,
  gql,
  graphqlWsClient,
  health,
  signIn,
  startTestLocal,
} from '../../../testkit/local-mode';
import { waitFor } from '../../../testkit/wait-for';
import {
  accessRule,
  groupMayCall,
  loadSchema,
  operationFor,
  rootFields,
  sampleArgs,
  type RootField,
} from './schema-model';
import { claimsOf, expiredCopy, forgedCopy } from './tokens';

// The matrix is generated from schema.graphql: a new root field gets its six rows,
// with the outcome its auth directives call for, without anyone writing them.

const schema = loadSchema();
const ROOTS = rootFields(schema);

const CALLERS = ['no token', 'expired token', 'forged token', 'user', 'other user', 'admin'] as const;
type CallerName = (typeof CALLERS)[number];
/** Callers AppSync refuses before any resolver runs (HTTP 401). */
const UNAUTHENTICATED: readonly CallerName[] = ['no token', 'expired token', 'forged token'];

interface Owner {
  sub: string;
  email: string;
}

/**
 * The documented own-resource rules (CONTRACT.md section 1): a `user` may
 * read and update its own profile and ask `userRole` about its own email
 * only. Each names the arguments that point at the `user` caller's own
 * resource; `other user` sends the same ones and must be refused.
 */
const OWN_RESOURCE: Record<string, (owner: Owner) => Record<string, unknown>> = {
  'Query.user': (owner) => ({ id: owner.sub }),
  'Mutation.updateUser': (owner) => ({ input: { id: owner.sub, name: 'Renamed by the matrix' } }),
  'Query.userRole': (owner) => ({ email: owner.email }),
};

type Outcome = 'allow' | 'deny';

interface Row {
  root: RootField;
  coordinate: string;
  caller: CallerName;
  expected: Outcome;
  /** Why, for the test name: the directive's groups or the ownership rule. */
  because: string;
}

function expectation(root: RootField, caller: CallerName): { expected: Outcome; because: string } {
  if (UNAUTHENTICATED.includes(caller)) return { expected: 'deny', because: 'no valid token' };
  const rule = accessRule(root, schema);
  const group = caller === 'admin' ? 'admin' : 'user';
  const groups = rule.cognitoGroups
    ? `user pool groups [${rule.cognitoGroups.join(', ') || 'any'}] (${rule.source})`
    : `no user pool access${rule.iam ? ', @aws_iam only' : ''}`;
  if (!groupMayCall(rule, group)) return { expected: 'deny', because: groups };
  if (OWN_RESOURCE[root.coordinate] && group !== 'admin') {
    return caller === 'user'
      ? { expected: 'allow', because: `${groups}, own resource` }
      : { expected: 'deny', because: `${groups}, not its own resource` };
  }
  return { expected: 'allow', because: groups };
}

const MATRIX: Row[] = ROOTS.flatMap((root) =>
  CALLERS.map((caller) => ({ root, coordinate: root.coordinate, caller, ...expectation(root, caller) })),
);

let local: LocalMode;
const tokens = new Map<CallerName, string | undefined>();
let owner: Owner;

beforeAll(async () => {
  local = await startTestLocal();
  const { idToken: adminToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password);
  await createAccount(local, 'sec-user@example.com', 'SecUser123!', 'user');
  await createAccount(local, 'sec-other@example.com', 'SecOther123!', 'user');
  const { idToken: userToken } = await signIn(local.outputs, 'sec-user@example.com', 'SecUser123!');
  const { idToken: otherToken } = await signIn(local.outputs, 'sec-other@example.com', 'SecOther123!');
  owner = { sub: String(claimsOf(userToken).sub), email: 'sec-user@example.com' };
  // The user's profile exists, so the own-resource calls succeed rather than meet NotFound.
  const profile = await gql(
    local.outputs,
    adminToken,
    'mutation P($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { id: owner.sub, email: owner.email } },
  );
  expect(profile.errors).toBeUndefined();
  tokens.set('no token', undefined);
  tokens.set('expired token', await expiredCopy(adminToken, local.cognito.signingKeyFile));
  tokens.set('forged token', await forgedCopy(adminToken));
  tokens.set('user', userToken);
  tokens.set('other user', otherToken);
  tokens.set('admin', adminToken);
});

afterAll(async () => {
  await local?.stop();
});

function argsFor(row: Row): Record<string, unknown> {
  const own = OWN_RESOURCE[row.coordinate];
  return own ? own(owner) : sampleArgs(row.root.field, `sec-${row.root.field.name}`);
}

interface HttpAnswer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { errorType?: string; message?: string; path?: unknown[] | null }[];
  };
}

async function callOverHttp(row: Row): Promise<HttpAnswer> {
  const token = tokens.get(row.caller);
  const response = await fetch(local.outputs.GraphQLUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(operationFor(row.root, argsFor(row))),
  });
  return { status: response.status, body: (await response.json()) as HttpAnswer['body'] };
}

/** Errors that mean the call got past authorization: the dummy arguments may be invalid or name nothing. */
const PAST_AUTHORIZATION = ['ValidationError', 'NotFound', 'Conflict'];

function expectHttpOutcome(row: Row, answer: HttpAnswer) {
  const field = row.root.field.name;
  const unauthorized = (answer.body.errors ?? []).filter((e) => /^Unauthorized/.test(e.errorType ?? ''));
  if (row.expected === 'deny' && UNAUTHENTICATED.includes(row.caller)) {
    expect(answer.status).toBe(401);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toEqual([expect.objectContaining({ errorType: 'UnauthorizedException' })]);
  } else if (row.expected === 'deny') {
    expect(answer.status).toBe(200);
    expect(unauthorized).toEqual([expect.objectContaining({ errorType: 'Unauthorized', path: [field] })]);
    expect(answer.body.data?.[field] ?? null).toBeNull();
  } else {
    expect(answer.status).toBe(200);
    expect(unauthorized).toEqual([]);
    for (const error of answer.body.errors ?? []) expect(PAST_AUTHORIZATION).toContain(error.errorType);
    if (!answer.body.errors?.length) expect(answer.body.data).toHaveProperty(field);
  }
}

/** Active subscriptions on the server, from its public /health. */
const subscriberCount = async () => (await health(local.outputs)).subscriptions;

/**
 * Opens the subscription over graphql-ws and reports whether the server
 * registered it (allow) or refused it: the connection closed (4403, a bad
 * token) or an Unauthorized error for the field.
 */
async function subscribeOverGraphqlWs(row: Row): Promise<{ outcome: Outcome; detail: unknown }> {
  const token = tokens.get(row.caller);
  const before = await subscriberCount();
  const client = graphqlWsClient(local.outputs, token, { lazy: true });
  let settled = false;
  try {
    const { query, variables, operationName } = operationFor(row.root, argsFor(row));
    return await new Promise((resolve, reject) => {
      const settle = (value: { outcome: Outcome; detail: unknown }) => {
        if (!settled) resolve(value);
        settled = true;
      };
      client.on('closed', (event) => {
        const { code, reason } = event as { code?: number; reason?: string };
        settle({ outcome: 'deny', detail: { closed: code, reason } });
      });
      client.subscribe(
        { query, variables, operationName },
        {
          next: (value) => settle({ outcome: value.errors ? 'deny' : 'allow', detail: value }),
          error: (err) => settle({ outcome: 'deny', detail: err }),
          complete: () => undefined,
        },
      );
      // Registered on the server (allow) unless refused first; a no-op once settled.
      waitFor(async () => settled || (await subscriberCount()) > before, {
        everyMs: 20,
        describe: () => `${row.coordinate} for ${row.caller} to be registered or refused`,
      }).then(() => settle({ outcome: 'allow', detail: 'registered' }), reject);
    });
  } finally {
    await client.dispose();
    // The next row counts from a clean baseline.
    await waitFor(async () => (await subscriberCount()) <= before, {
      everyMs: 20,
      describe: () => `the subscriptions to fall back to ${before}`,
    });
  }
}

async function subscribeOverAppSync(row: Row): Promise<{ outcome: Outcome; detail: unknown }> {
  const { client, ack } = await AppSyncRealtimeClient.connect(
    local.outputs.RealtimeUrl,
    tokens.get(row.caller) ?? '',
  );
  try {
    if (ack.type !== 'connection_ack') return { outcome: 'deny', detail: ack };
    const { query, variables } = operationFor(row.root, argsFor(row));
    const answer = await client.start('matrix', query, variables);
    if (answer.type === 'start_ack') {
      await client.stop('matrix');
      return { outcome: 'allow', detail: answer };
    }
    return { outcome: 'deny', detail: answer };
  } finally {
    client.close();
  }
}

function expectRefusalIsUnauthorized(row: Row, detail: unknown) {
  const text = JSON.stringify(detail);
  if (UNAUTHENTICATED.includes(row.caller)) expect(text).toMatch(/UnauthorizedException|4403|Forbidden/);
  else expect(text).toMatch(/"errorType":"Unauthorized"/);
}

describe('authorization matrix generated from schema.graphql', () => {
  it('has a row for every caller on every query, mutation and subscription field', () => {
    // Read from the SDL text, not from rootFields(), so a bug there cannot hide a field.
    const sdl = parse(
      readFileSync(fileURLToPath(new URL('../../../schema.graphql', import.meta.url)), 'utf8'),
    );
    const declared = sdl.definitions.flatMap((d) =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      ['Query', 'Mutation', 'Subscription'].includes(d.name.value)
        ? (d.fields ?? []).map((f) => `${d.name.value}.${f.name.value}`)
        : [],
    );
    expect(declared.length).toBeGreaterThan(0);
    expect(MATRIX).toHaveLength(declared.length * CALLERS.length);
    for (const coordinate of declared)
      expect(MATRIX.filter((r) => r.coordinate === coordinate).map((r) => r.caller)).toEqual([...CALLERS]);
    for (const coordinate of Object.keys(OWN_RESOURCE)) expect(declared).toContain(coordinate);
  });

  it('derives both outcomes from the directives', () => {
    const byOutcome = (o: Outcome) =>
      MATRIX.filter((r) => r.expected === o && !UNAUTHENTICATED.includes(r.caller));
    // The admin-only and @aws_iam fields give denials to signed-in callers; the shared fields give allows.
    expect(byOutcome('allow').length).toBeGreaterThan(0);
    expect(byOutcome('deny').length).toBeGreaterThan(0);
    expect(
      MATRIX.find((r) => r.coordinate === 'Mutation.notifyDeviceConfigChanged' && r.caller === 'admin'),
    ).toMatchObject({ expected: 'deny' });
  });

  /** Each row with its name, for it.each. */
  const named = (rows: Row[]) =>
    rows.map(
      (row) =>
        [
          `${row.coordinate} ${row.expected === 'allow' ? 'admits' : 'refuses'} ${row.caller} (${row.because})`,
          row,
        ] as const,
    );

  const calls = MATRIX.filter((r) => r.root.kind !== 'subscription');
  it.each(named(calls))('%s over HTTP', async (_name, row) => {
    expectHttpOutcome(row, await callOverHttp(row));
  });

  const subscriptions = MATRIX.filter((r) => r.root.kind === 'subscription');
  it.each(named(subscriptions))('%s over graphql-ws and the AppSync protocol', async (_name, row) => {
    const graphqlWs = await subscribeOverGraphqlWs(row);
    expect(graphqlWs.outcome, JSON.stringify(graphqlWs.detail)).toBe(row.expected);
    if (row.expected === 'deny') expectRefusalIsUnauthorized(row, graphqlWs.detail);
    const appsync = await subscribeOverAppSync(row);
    expect(appsync.outcome, JSON.stringify(appsync.detail)).toBe(row.expected);
    if (row.expected === 'deny') expectRefusalIsUnauthorized(row, appsync.detail);
  });
});
