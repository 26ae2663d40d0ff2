import { describe, expect, it } from 'vitest';
import type { AccountDirectory } from '../../core/accounts';
import { ConflictError, NotFoundError } from '../../core/shared/errors';
import { allPages } from '../../testkit/pages';

const PASSWORD = 'Drain-Off-2024!';

/**
 * What every AccountDirectory promises, run against the Cognito adapter (on
 * cognito-local) and the in-memory directory the service unit tests use.
 * Tests share one directory, so each uses its own emails.
 */
export function describeAccountDirectoryContract(name: string, directoryOf: () => AccountDirectory): void {
  describe(`AccountDirectory contract: ${name}`, () => {
    let n = 0;
    const email = (what: string) => `contract.${what}.${++n}@example.com`;

    it('creates an account that get and findByEmail then find', async () => {
      const directory = directoryOf();
      const address = email('create');
      const created = await directory.create({ email: address, sendInvitation: true });
      expect(created).toMatchObject({ email: address, status: 'FORCE_CHANGE_PASSWORD', enabled: true });
      expect(created.sub).toBeTruthy();
      expect(await directory.get(created.username)).toMatchObject({
        username: created.username,
        email: address,
      });
      expect((await directory.findByEmail(address))?.username).toBe(created.username);
      expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
    });

    it('refuses a second account with the same email with Conflict', async () => {
      const directory = directoryOf();
      const address = email('twice');
      await directory.create({ email: address, sendInvitation: false });
      await expect(directory.create({ email: address, sendInvitation: false })).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('answers undefined for a missing account, and NotFound where it must act on one', async () => {
      const directory = directoryOf();
      expect(await directory.get('no-such-user')).toBeUndefined();
      expect(await directory.findByEmail(email('missing'))).toBeUndefined();
      await expect(directory.groupsOf('no-such-user')).rejects.toBeInstanceOf(NotFoundError);
      await expect(directory.delete('no-such-user')).rejects.toBeInstanceOf(NotFoundError);
      await expect(directory.setEnabled('no-such-user', false)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('moves an account between groups', async () => {
      const directory = directoryOf();
      const { username } = await directory.create({ email: email('groups'), sendInvitation: false });
      expect(await directory.groupsOf(username)).toEqual([]);
      await directory.addToGroup(username, 'user');
      expect(await directory.groupsOf(username)).toEqual(['user']);
      expect((await directory.membersOf('user')).has(username)).toBe(true);
      await directory.removeFromGroup(username, 'user');
      await directory.addToGroup(username, 'admin');
      expect(await directory.groupsOf(username)).toEqual(['admin']);
      expect((await directory.membersOf('user')).has(username)).toBe(false);
      expect((await directory.membersOf('admin')).has(username)).toBe(true);
    });

    it('confirms an account whose password is set', async () => {
      const directory = directoryOf();
      const { username } = await directory.create({ email: email('password'), sendInvitation: false });
      await directory.setPassword(username, PASSWORD);
      expect((await directory.get(username))?.status).toBe('CONFIRMED');
    });

    it('changes the email so that only the new one finds the account', async () => {
      const directory = directoryOf();
      const before = email('before');
      const after = email('after');
      const { username } = await directory.create({ email: before, sendInvitation: false });
      await directory.setEmail(username, after);
      expect((await directory.findByEmail(after))?.username).toBe(username);
      expect(await directory.findByEmail(before)).toBeUndefined();
      expect((await directory.get(username))?.email).toBe(after);
    });

    it('disables and enables an account', async () => {
      const directory = directoryOf();
      const { username } = await directory.create({ email: email('enabled'), sendInvitation: false });
      await directory.setEnabled(username, false);
      expect((await directory.get(username))?.enabled).toBe(false);
      await directory.setEnabled(username, true);
      expect((await directory.get(username))?.enabled).toBe(true);
    });

    it('deletes an account and its group memberships', async () => {
      const directory = directoryOf();
      const { username } = await directory.create({ email: email('delete'), sendInvitation: false });
      await directory.addToGroup(username, 'user');
      await directory.delete(username);
      expect(await directory.get(username)).toBeUndefined();
      expect((await directory.membersOf('user')).has(username)).toBe(false);
    });

    it('lists every account once across pages of the size asked', async () => {
      const directory = directoryOf();
      const made = new Set<string>();
      for (let i = 0; i < 4; i++)
        made.add((await directory.create({ email: email('list'), sendInvitation: false })).username);
      const pages = await allPages(async (token) => {
        const page = await directory.list(3, token);
        return { items: page.accounts, nextToken: page.nextToken };
      });
      for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(3);
      const seen = pages.flatMap((p) => p.items.map((a) => a.username));
      expect(new Set(seen).size).toBe(seen.length);
      for (const username of made) expect(seen).toContain(username);
    });
  });
}
