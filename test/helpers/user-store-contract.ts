import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/shared/errors';
import type { UserStore } from '../../core/users';
import { allPages } from '../../testkit/pages';
import { userProfile } from './user-fixtures';

const profile = userProfile;

/**
 * What every UserStore promises, run against each implementation (the
 * DynamoDB adapter on dynalite, and the in-memory store the service unit
 * tests use), so the fake cannot drift from the real thing.
 * `fresh` gives an empty store for each test.
 */
export function describeUserStoreContract(name: string, fresh: () => Promise<UserStore>): void {
  describe(`UserStore contract: ${name}`, () => {
    it('round-trips a profile, unset fields as null', async () => {
      const store = await fresh();
      const created = await store.create(profile('a-1', { name: 'A', preferences: '{"x":1}' }));
      expect(await store.get('a-1')).toEqual(created);
      expect(created).toEqual(profile('a-1', { name: 'A', preferences: '{"x":1}' }));
    });

    it('answers undefined for a missing profile', async () => {
      expect(await (await fresh()).get('missing-1')).toBeUndefined();
    });

    it('refuses a second profile with the same id with Conflict and keeps the first', async () => {
      const store = await fresh();
      await store.create(profile('a-1', { name: 'First' }));
      await expect(store.create(profile('a-1', { name: 'Second' }))).rejects.toBeInstanceOf(ConflictError);
      expect((await store.get('a-1'))?.name).toBe('First');
    });

    it('updates only the given fields, clears nulls and sets updatedAt', async () => {
      const store = await fresh();
      await store.create(profile('a-1', { name: 'A', phone: '604 555 0100' }));
      const updated = await store.update(
        'a-1',
        { organization: 'YVR', phone: null },
        '2026-02-01T00:00:00.000Z',
      );
      expect(updated).toEqual(
        profile('a-1', { name: 'A', organization: 'YVR', updatedAt: '2026-02-01T00:00:00.000Z' }),
      );
      expect(await store.get('a-1')).toEqual(updated);
    });

    it('refuses to update a missing profile with NotFound and creates nothing', async () => {
      const store = await fresh();
      await expect(store.update('ghost-1', { name: 'G' }, 'now')).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.get('ghost-1')).toBeUndefined();
    });

    it('relinks an email only where a profile exists and the email differs', async () => {
      const store = await fresh();
      await store.create(profile('a-1'));
      await store.updateEmail('a-1', 'a-1@example.com', '2026-02-01T00:00:00.000Z');
      expect((await store.get('a-1'))?.updatedAt).toBe('2026-01-01T00:00:00.000Z');
      await store.updateEmail('a-1', 'new@example.com', '2026-02-02T00:00:00.000Z');
      expect(await store.get('a-1')).toMatchObject({
        email: 'new@example.com',
        updatedAt: '2026-02-02T00:00:00.000Z',
      });
      await store.updateEmail('ghost-1', 'g@example.com', 'now');
      expect(await store.get('ghost-1')).toBeUndefined();
    });

    it('deletes and returns the profile, and answers undefined the second time', async () => {
      const store = await fresh();
      await store.create(profile('a-1'));
      expect((await store.delete('a-1'))?.id).toBe('a-1');
      expect(await store.delete('a-1')).toBeUndefined();
      expect(await store.get('a-1')).toBeUndefined();
    });

    it('lists every profile once, in id order, ending with a null token', async () => {
      const store = await fresh();
      const ids = ['e-1', 'a-1', 'c-1', 'b-1', 'd-1'];
      for (const id of ids) await store.create(profile(id));
      const pages = await allPages((token) => store.list(2, token));
      for (const page of pages) expect(page.items.length).toBeGreaterThan(0);
      expect(pages.flatMap((p) => p.items.map((u) => u.id))).toEqual([...ids].sort());
      expect(pages.map((p) => p.nextToken === null)).toEqual([false, false, true]);
    });

    it('lists an empty store as one empty page', async () => {
      expect(await (await fresh()).list(10)).toEqual({ items: [], nextToken: null });
    });
  });
}
