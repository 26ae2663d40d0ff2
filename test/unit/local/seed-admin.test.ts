import { describe, expect, it } from 'vitest';
import { AccountService } from '../../../core/accounts';
import { UserService } from '../../../core/users';
import { seedAdmin } from '../../../local/start/admin';
import { MemoryAccountDirectory } from '../../helpers/memory-account-directory';
import { MemoryUserStore } from '../../helpers/memory-user-store';

const ADMIN = { email: 'admin@example.com', password: 'Admin123!' };

function services() {
  const directory = new MemoryAccountDirectory();
  const profiles = new MemoryUserStore();
  const accounts = new AccountService({ directory, profiles });
  const users = new UserService({ store: profiles });
  return { directory, profiles, accounts, users };
}

describe('seedAdmin', () => {
  it('creates the admin through the account service, in the admin group with its password, and its profile', async () => {
    const { directory, profiles, accounts, users } = services();
    const lines: string[] = [];

    expect(await seedAdmin({ accounts, users, admin: ADMIN, log: (l) => lines.push(l) })).toBe(true);

    const [account] = [...directory.accounts.values()];
    expect(account).toMatchObject({ email: ADMIN.email, password: ADMIN.password });
    expect([...directory.groups.get('admin')!]).toEqual([account!.username]);
    expect(await profiles.get(account!.sub)).toMatchObject({ email: ADMIN.email, name: 'Local admin' });
    expect(lines).toEqual(['[local] created the admin account admin@example.com']);
  });

  it('leaves an admin that exists as it is', async () => {
    const { directory, accounts, users } = services();
    directory.seed(ADMIN.email, ['admin']);
    directory.calls.length = 0;

    expect(await seedAdmin({ accounts, users, admin: ADMIN, log: () => undefined })).toBe(false);

    expect(directory.accounts.size).toBe(1);
    expect(directory.calls).not.toContain('create');
  });

  it('refuses a password the pool’s policy refuses, naming the field, and leaves no account', async () => {
    const { directory, accounts, users } = services();
    const weak = seedAdmin({ accounts, users, admin: { ...ADMIN, password: 'short' }, log: () => undefined });
    await expect(weak).rejects.toMatchObject({ name: 'ValidationError' });
    expect(directory.accounts.size).toBe(0);
  });
});
