import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../../core/shared/errors';
import type { Caller } from '../../../core/shared/identity';
import { UserService } from '../../../core/users';
import { MemoryUserStore } from '../../helpers/memory-user-store';
import { userProfile } from '../../helpers/user-fixtures';

const admin: Caller = { kind: 'user', sub: 'admin-1', username: 'admin-1', groups: ['admin'] };
const alice: Caller = { kind: 'user', sub: 'alice-1', username: 'alice-1', groups: ['user'] };
const noGroup: Caller = { kind: 'user', sub: 'lost-1', username: 'lost-1', groups: [] };
const backend: Caller = { kind: 'iam', principal: 'arn:aws:iam::1:role/processor' };

let store: MemoryUserStore;
let service: UserService;
let now: Date;

beforeEach(() => {
  store = new MemoryUserStore();
  now = new Date('2026-03-01T10:00:00.000Z');
  service = new UserService({ store, clock: () => now });
});

describe('UserService.createUser', () => {
  it('stores the profile with both timestamps set to now and unset fields null', async () => {
    const created = await service.createUser(admin, {
      id: 'alice-1',
      email: 'alice@example.com',
      name: ' Alice ',
    });
    expect(created).toEqual(
      userProfile('alice-1', {
        email: 'alice@example.com',
        name: 'Alice',
        createdAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-01T10:00:00.000Z',
      }),
    );
  });

  it('stores preferences as canonical JSON text whether given as text or as an object', async () => {
    const fromText = await service.createUser(admin, {
      id: 'a-1',
      email: 'a@example.com',
      preferences: '{ "a" : 1 }',
    });
    const fromObject = await service.createUser(admin, {
      id: 'b-1',
      email: 'b@example.com',
      // AWSJSON may arrive parsed (the local engine); the type says text.
      preferences: { a: 1 } as unknown as string,
    });
    expect(fromText.preferences).toBe('{"a":1}');
    expect(fromObject.preferences).toBe('{"a":1}');
  });

  it('passes the store Conflict through for an existing id', async () => {
    await service.createUser(admin, { id: 'alice-1', email: 'alice@example.com' });
    await expect(service.createUser(admin, { id: 'alice-1', email: 'x@example.com' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('refuses a user, a caller without a group and the backend', async () => {
    for (const caller of [alice, noGroup, backend]) {
      await expect(service.createUser(caller, { id: 'x-1', email: 'x@example.com' })).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
    }
    expect(store.calls).toEqual([]);
  });
});

describe('UserService.user and me', () => {
  beforeEach(async () => {
    await service.createUser(admin, { id: 'alice-1', email: 'alice@example.com' });
    await service.createUser(admin, { id: 'bob-1', email: 'bob@example.com' });
    store.calls.length = 0;
  });

  it('gives an admin any profile and a user its own', async () => {
    expect((await service.user(admin, 'bob-1'))?.email).toBe('bob@example.com');
    expect((await service.user(alice, 'alice-1'))?.email).toBe('alice@example.com');
  });

  it("refuses a user another's profile without reading the store", async () => {
    await expect(service.user(alice, 'bob-1')).rejects.toBeInstanceOf(UnauthorizedError);
    expect(store.calls).toEqual([]);
  });

  it('answers null for a missing profile', async () => {
    expect(await service.user(admin, 'nobody-1')).toBeNull();
  });

  it("returns the caller's profile from me, or null when it has none", async () => {
    expect((await service.me(alice))?.id).toBe('alice-1');
    expect(await service.me({ ...alice, sub: 'new-1' })).toBeNull();
    await expect(service.me(backend)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('UserService.users', () => {
  it('pages with the default size and passes the token through', async () => {
    for (let i = 0; i < 30; i++)
      await service.createUser(admin, { id: `u-${String(i).padStart(2, '0')}`, email: `u${i}@example.com` });
    const first = await service.users(admin);
    expect(first.items).toHaveLength(25);
    const second = await service.users(admin, null, first.nextToken);
    expect(second.items.map((u) => u.id)).toEqual(['u-25', 'u-26', 'u-27', 'u-28', 'u-29']);
    expect(second.nextToken).toBeNull();
  });

  it('rejects a limit outside 1..100 with a ValidationError on limit', async () => {
    for (const limit of [0, 101, 2.5]) {
      await expect(service.users(admin, limit)).rejects.toMatchObject({ issues: [{ field: 'limit' }] });
    }
  });

  it('refuses a user', async () => {
    await expect(service.users(alice)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('UserService.updateUser', () => {
  beforeEach(async () => {
    await service.createUser(admin, {
      id: 'alice-1',
      email: 'alice@example.com',
      name: 'Alice',
      phone: '604 555 0100',
    });
    now = new Date('2026-03-02T10:00:00.000Z');
  });

  it('changes only the fields given and moves updatedAt', async () => {
    const updated = await service.updateUser(alice, { id: 'alice-1', organization: 'YVR' });
    expect(updated).toMatchObject({
      name: 'Alice',
      phone: '604 555 0100',
      organization: 'YVR',
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
    });
  });

  it('clears the fields given as null', async () => {
    const updated = await service.updateUser(admin, { id: 'alice-1', name: null, phone: null });
    expect(updated).toMatchObject({ name: null, phone: null, email: 'alice@example.com' });
  });

  it("refuses a user updating another's profile before touching the store", async () => {
    store.calls.length = 0;
    await expect(service.updateUser(alice, { id: 'bob-1', name: 'Bob' })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(store.calls).toEqual([]);
  });

  it('answers NotFound for a missing profile', async () => {
    await expect(service.updateUser(admin, { id: 'ghost-1', name: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('rejects an email set to null, since a profile always has one', async () => {
    await expect(service.updateUser(admin, { id: 'alice-1', email: null })).rejects.toMatchObject({
      issues: [{ field: 'input.email', message: expect.stringContaining('always has an email') }],
    });
  });
});

describe('UserService.deleteUser', () => {
  it('removes and returns the profile, then answers NotFound', async () => {
    await service.createUser(admin, { id: 'alice-1', email: 'alice@example.com' });
    expect((await service.deleteUser(admin, 'alice-1')).id).toBe('alice-1');
    await expect(service.deleteUser(admin, 'alice-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a user even for its own profile', async () => {
    await expect(service.deleteUser(alice, 'alice-1')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('rejects a malformed id with a ValidationError on id', async () => {
    await expect(service.deleteUser(admin, '')).rejects.toBeInstanceOf(ValidationError);
  });
});
