import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { User, UserConnection } from '../../../core/generated/graphql';
import { DynamoUserStore, UserService } from '../../../core/users';
import { startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import {
  adminWithSub,
  dataOf,
  errorOf,
  mutation,
  nobody,
  query,
  userWithSub,
} from '../../../testkit/appsync-event';
import { countRequests, type RequestCounter } from '../../../testkit/aws-request-counter';
import { queryEveryPage, usersAccountsApi } from '../../helpers/users-accounts-api';

const admin = adminWithSub('admin-0001');
const alice = userWithSub('alice-0001', 'alice@example.com');
const bob = userWithSub('bob-0001', 'bob@example.com');

let dynamo: EmbeddedDynamo;
let dynamoRequests: RequestCounter;
let api: ReturnType<typeof usersAccountsApi>;

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: 'yvr-test-users' });
  dynamoRequests = countRequests(dynamo.client);
  const store = new DynamoUserStore({
    client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: dynamo.tableName,
  });
  api = usersAccountsApi({ users: new UserService({ store }) });
});

afterAll(async () => {
  // No Scan, whatever the test: every list is a Query on gsi1.
  allOperations.push(...(dynamoRequests?.operations ?? []));
  expect(allOperations).toContain('Query');
  expect(allOperations).not.toContain('Scan');
  await dynamo?.stop();
});

const allOperations: string[] = [];
beforeEach(() => {
  allOperations.push(...dynamoRequests.operations);
  dynamoRequests.reset();
});

const createUser = async (input: Record<string, unknown>) =>
  dataOf<User>(await api.resolve(mutation('createUser', { input }, { identity: admin })));

describe('createUser', () => {
  it('creates a profile with one conditional PutItem', async () => {
    const created = await createUser({
      id: 'alice-0001',
      email: 'alice@example.com',
      name: 'Alice Tremblay',
      phone: '+1 604 555 0100',
      organization: 'YVR Environment',
      preferences: '{"units":"metric","charts":{"range":"24h"}}',
    });
    expect(created).toMatchObject({
      id: 'alice-0001',
      email: 'alice@example.com',
      name: 'Alice Tremblay',
      organization: 'YVR Environment',
      preferences: '{"units":"metric","charts":{"range":"24h"}}',
    });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(dynamoRequests.counts()).toEqual({ PutItem: 1 });
  });

  it('rejects a duplicate id with Conflict', async () => {
    await createUser({ id: 'dup-0001', email: 'dup@example.com' });
    const error = errorOf(
      await api.resolve(
        mutation('createUser', { input: { id: 'dup-0001', email: 'x@example.com' } }, { identity: admin }),
      ),
    );
    expect(error.errorType).toBe('Conflict');
    expect(error.message).toContain('dup-0001');
  });

  it('refuses a user with Unauthorized and touches no table', async () => {
    dynamoRequests.reset();
    const error = errorOf(
      await api.resolve(
        mutation('createUser', { input: { id: 'x-1', email: 'x@example.com' } }, { identity: alice }),
      ),
    );
    expect(error.errorType).toBe('Unauthorized');
    expect(dynamoRequests.operations).toEqual([]);
  });
});

describe('user', () => {
  beforeAll(async () => {
    await createUser({ id: 'bob-0001', email: 'bob@example.com', name: 'Bob' });
  });

  it('gives an admin any profile with one GetItem', async () => {
    dynamoRequests.reset();
    const found = dataOf<User>(await api.resolve(query('user', { id: 'bob-0001' }, { identity: admin })));
    expect(found).toMatchObject({ id: 'bob-0001', email: 'bob@example.com', name: 'Bob', phone: null });
    expect(dynamoRequests.counts()).toEqual({ GetItem: 1 });
  });

  it('gives a user its own profile', async () => {
    const found = dataOf<User>(await api.resolve(query('user', { id: 'bob-0001' }, { identity: bob })));
    expect(found.id).toBe('bob-0001');
  });

  it("refuses a user another user's profile with Unauthorized, before any read", async () => {
    dynamoRequests.reset();
    const error = errorOf(await api.resolve(query('user', { id: 'bob-0001' }, { identity: alice })));
    expect(error.errorType).toBe('Unauthorized');
    expect(dynamoRequests.operations).toEqual([]);
  });

  it('answers null for a missing profile', async () => {
    expect(await api.resolve(query('user', { id: 'nobody-0001' }, { identity: admin }))).toBeNull();
  });

  it('refuses an unsigned request with Unauthorized', async () => {
    expect(
      errorOf(await api.resolve(query('user', { id: 'bob-0001' }, { identity: nobody() }))).errorType,
    ).toBe('Unauthorized');
  });
});

describe('me', () => {
  const erin = userWithSub('erin-0001');
  beforeAll(async () => {
    await createUser({ id: 'erin-0001', email: 'erin@example.com' });
  });

  it("returns the caller's own profile with one GetItem", async () => {
    dynamoRequests.reset();
    const mine = dataOf<User>(await api.resolve(query('me', {}, { identity: erin })));
    expect(mine.id).toBe('erin-0001');
    expect(dynamoRequests.counts()).toEqual({ GetItem: 1 });
  });

  it('returns null when the caller has no profile yet', async () => {
    expect(await api.resolve(query('me', {}, { identity: userWithSub('newcomer-0001') }))).toBeNull();
  });
});

describe('users', () => {
  const ids = Array.from({ length: 7 }, (_, i) => `page-${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    for (const id of ids) await createUser({ id, email: `${id}@example.com` });
  });

  it('pages through every profile in id order, one Query per page and no Scan', async () => {
    const pages = await queryEveryPage<User>(api, 'users', {
      limit: 3,
      identity: admin,
      counter: dynamoRequests,
    });
    const seen = pages.flatMap(({ page }) => page.items.map((u) => u.id));
    const everyId = [...seen].sort();
    expect(seen).toEqual(everyId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const { page, requests } of pages) {
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(requests).toEqual({ Query: 1 });
    }
  });

  it('ends without a token when the last page is exactly full', async () => {
    const all = dataOf<UserConnection>(
      await api.resolve(query('users', { limit: 100 }, { identity: admin })),
    );
    const first = dataOf<UserConnection>(
      await api.resolve(query('users', { limit: all.items.length - 1 }, { identity: admin })),
    );
    const last = dataOf<UserConnection>(
      await api.resolve(query('users', { limit: 1, nextToken: first.nextToken }, { identity: admin })),
    );
    expect(last.items).toHaveLength(1);
    expect(last.nextToken).toBeNull();
  });

  it('refuses a user with Unauthorized', async () => {
    expect(errorOf(await api.resolve(query('users', {}, { identity: alice }))).errorType).toBe(
      'Unauthorized',
    );
  });
});

describe('updateUser', () => {
  let n = 0;
  /** A profile of its own for each test. */
  const freshProfile = async () => {
    const id = `carol-${String(++n).padStart(4, '0')}`;
    await createUser({ id, email: `${id}@example.com`, name: 'Carol', phone: '604 555 0101' });
    dynamoRequests.reset();
    return id;
  };

  it('changes only the given fields with one UpdateItem', async () => {
    const id = await freshProfile();
    const updated = dataOf<User>(
      await api.resolve(
        mutation('updateUser', { input: { id, organization: 'Airside Ops' } }, { identity: admin }),
      ),
    );
    expect(updated).toMatchObject({ name: 'Carol', phone: '604 555 0101', organization: 'Airside Ops' });
    expect(updated.updatedAt >= updated.createdAt).toBe(true);
    expect(dynamoRequests.counts()).toEqual({ UpdateItem: 1 });
  });

  it('clears a field given as null', async () => {
    const id = await freshProfile();
    const updated = dataOf<User>(
      await api.resolve(mutation('updateUser', { input: { id, phone: null } }, { identity: admin })),
    );
    expect(updated.phone).toBeNull();
    expect(updated.name).toBe('Carol');
  });

  it('lets a user update its own profile', async () => {
    const id = await freshProfile();
    const updated = dataOf<User>(
      await api.resolve(
        mutation(
          'updateUser',
          { input: { id, preferences: '{"units":"imperial"}' } },
          { identity: userWithSub(id) },
        ),
      ),
    );
    expect(JSON.parse(updated.preferences ?? 'null')).toEqual({ units: 'imperial' });
  });

  it("refuses a user updating another user's profile with Unauthorized and changes nothing", async () => {
    const id = await freshProfile();
    const error = errorOf(
      await api.resolve(mutation('updateUser', { input: { id, name: 'Mallory' } }, { identity: alice })),
    );
    expect(error.errorType).toBe('Unauthorized');
    expect(dynamoRequests.operations).toEqual([]);
    const carol = dataOf<User>(await api.resolve(query('user', { id }, { identity: admin })));
    expect(carol.name).toBe('Carol');
  });

  it('answers NotFound for a missing profile and creates nothing', async () => {
    const error = errorOf(
      await api.resolve(
        mutation('updateUser', { input: { id: 'ghost-0001', name: 'Ghost' } }, { identity: admin }),
      ),
    );
    expect(error.errorType).toBe('NotFound');
    expect(await api.resolve(query('user', { id: 'ghost-0001' }, { identity: admin }))).toBeNull();
  });
});

describe('deleteUser', () => {
  it('removes a profile with one DeleteItem and returns it', async () => {
    await createUser({ id: 'dave-0001', email: 'dave@example.com' });
    dynamoRequests.reset();
    const deleted = dataOf<User>(
      await api.resolve(mutation('deleteUser', { id: 'dave-0001' }, { identity: admin })),
    );
    expect(deleted.id).toBe('dave-0001');
    expect(dynamoRequests.counts()).toEqual({ DeleteItem: 1 });
    expect(await api.resolve(query('user', { id: 'dave-0001' }, { identity: admin }))).toBeNull();
  });

  it('answers NotFound for a missing profile', async () => {
    expect(
      errorOf(await api.resolve(mutation('deleteUser', { id: 'ghost-0002' }, { identity: admin }))).errorType,
    ).toBe('NotFound');
  });

  it('refuses a user, even for its own profile, with Unauthorized', async () => {
    expect(
      errorOf(await api.resolve(mutation('deleteUser', { id: 'alice-0001' }, { identity: alice }))).errorType,
    ).toBe('Unauthorized');
  });
});

describe('invalid input', () => {
  const big = (n: number) => 'x'.repeat(n);
  /** createUser's arguments: a valid new profile with these fields in place. */
  const create = (input: Record<string, unknown>) => ({
    input: { id: 'v-1', email: 'v@example.com', ...input },
  });
  /** updateUser's arguments: alice's profile with these fields. */
  const update = (input: Record<string, unknown>) => ({ input: { id: 'alice-0001', ...input } });
  const cases: Array<
    [string, 'createUser' | 'updateUser' | 'user' | 'users', Record<string, unknown>, string]
  > = [
    ['an email without a domain', 'createUser', create({ email: 'alice' }), 'input.email'],
    ['an email with a space', 'createUser', create({ email: 'al ice@example.com' }), 'input.email'],
    ['an email longer than 254', 'createUser', create({ email: `${big(250)}@example.com` }), 'input.email'],
    ['an id with a slash', 'createUser', create({ id: 'USER#1/x' }), 'input.id'],
    ['an id longer than 128', 'user', { id: big(129) }, 'id'],
    ['a name longer than 100', 'createUser', create({ name: big(101) }), 'input.name'],
    ['a blank name', 'updateUser', update({ name: '   ' }), 'input.name'],
    [
      'an organization longer than 200',
      'updateUser',
      update({ organization: big(201) }),
      'input.organization',
    ],
    ['a phone with letters', 'updateUser', update({ phone: 'call me' }), 'input.phone'],
    [
      'preferences that are not JSON',
      'updateUser',
      update({ preferences: '{units:metric}' }),
      'input.preferences',
    ],
    [
      'preferences that are a JSON array',
      'updateUser',
      update({ preferences: '["a"]' }),
      'input.preferences',
    ],
    [
      'preferences over 4 KiB',
      'updateUser',
      update({ preferences: JSON.stringify({ a: big(5000) }) }),
      'input.preferences',
    ],
    ['an update naming no field', 'updateUser', update({}), 'input'],
    ['a page size of 0', 'users', { limit: 0 }, 'limit'],
    [
      'a forged page token',
      'users',
      { nextToken: Buffer.from('{"pk":"DEVICE#1"}').toString('base64url') },
      'nextToken',
    ],
  ];

  it.each(cases)('answers %s with a ValidationError naming the field', async (_what, field, args, name) => {
    const event =
      field === 'user' || field === 'users'
        ? query(field, args, { identity: admin })
        : mutation(field, args, { identity: admin });
    dynamoRequests.reset();
    const error = errorOf(await api.resolve(event));
    expect(error.errorType).toBe('ValidationError');
    expect(error.message.startsWith(`${name}: `)).toBe(true);
    expect(error.message).not.toMatch(/\bat .+:\d+|Zod|Exception|DynamoDB/);
    expect(dynamoRequests.operations).toEqual([]);
  });
});
