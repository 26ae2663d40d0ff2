import { beforeEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../../core/accounts';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '../../../core/shared/errors';
import type { Caller } from '../../../core/shared/identity';
import { MemoryAccountDirectory } from '../../helpers/memory-account-directory';
import { MemoryUserStore } from '../../helpers/memory-user-store';
import { userProfile } from '../../helpers/user-fixtures';

const admin: Caller = { kind: 'user', sub: 'admin-1', username: 'admin-1', groups: ['admin'] };
const PASSWORD = 'Drain-Off-2024!';
const silent = { warn: () => undefined, error: () => undefined };

let directory: MemoryAccountDirectory;
let profiles: MemoryUserStore;
let service: AccountService;

beforeEach(() => {
  directory = new MemoryAccountDirectory();
  profiles = new MemoryUserStore();
  service = new AccountService({
    directory,
    profiles,
    clock: () => new Date('2026-03-01T00:00:00.000Z'),
    logger: silent,
  });
});

const userCaller = (sub: string, email?: string): Caller => ({
  kind: 'user',
  sub,
  username: sub,
  groups: ['user'],
  ...(email ? { email } : {}),
});

describe('AccountService.userAccounts', () => {
  it('reads each group once per page instead of once per account', async () => {
    directory.seed('a@example.com', ['admin']);
    directory.seed('b@example.com', ['user']);
    directory.seed('c@example.com', []);
    directory.seed('d@example.com', ['admin', 'user']);
    const page = await service.userAccounts(admin, 10);
    expect(page.items.map((a) => [a.email, a.role])).toEqual([
      ['a@example.com', 'ADMIN'],
      ['b@example.com', 'USER'],
      ['c@example.com', null],
      ['d@example.com', 'ADMIN'],
    ]);
    expect([...directory.calls].sort()).toEqual(['list', 'membersOf:admin', 'membersOf:user']);
  });

  it('passes the directory token through unchanged', async () => {
    for (let i = 0; i < 3; i++) directory.seed(`p${i}@example.com`);
    const first = await service.userAccounts(admin, 2);
    expect(first.nextToken).toBe('2');
    const second = await service.userAccounts(admin, 2, first.nextToken);
    expect(second.items.map((a) => a.email)).toEqual(['p2@example.com']);
    expect(second.nextToken).toBeNull();
  });

  it('rejects a limit above a Cognito page', async () => {
    await expect(service.userAccounts(admin, 61)).rejects.toMatchObject({
      issues: [{ field: 'limit', message: 'must be a whole number from 1 to 60' }],
    });
  });

  it('refuses a user', async () => {
    await expect(service.userAccounts(userCaller('u-1'))).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('AccountService.userRole', () => {
  it('answers a user about its own email, matched by sub when the token has no email', async () => {
    const me = directory.seed('me@example.com', ['user']);
    const answer = await service.userRole(userCaller(me.sub), 'me@example.com');
    expect(answer).toMatchObject({ username: me.username, role: 'USER' });
  });

  it('refuses a user another email without asking the directory when its token names its email', async () => {
    directory.seed('other@example.com', ['admin']);
    await expect(
      service.userRole(userCaller('u-1', 'me@example.com'), 'other@example.com'),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    expect(directory.calls).toEqual([]);
  });

  it('refuses a user alike for a missing and for an existing email, so existence does not leak', async () => {
    directory.seed('other@example.com');
    for (const email of ['other@example.com', 'missing@example.com']) {
      await expect(service.userRole(userCaller('u-1'), email)).rejects.toBeInstanceOf(UnauthorizedError);
    }
  });

  it('compares emails without regard to case', async () => {
    const me = directory.seed('me@example.com', ['user']);
    await expect(
      service.userRole(userCaller(me.sub, 'Me@Example.com'), 'me@example.com'),
    ).resolves.toBeTruthy();
  });
});

describe('AccountService.addUserAccount', () => {
  it('creates, adds to the group and sets a permanent password, in that order', async () => {
    const account = await service.addUserAccount(admin, {
      email: 'n@example.com',
      role: 'ADMIN',
      password: PASSWORD,
    });
    expect(directory.calls).toEqual(['create', 'addToGroup:admin', 'setPassword']);
    expect(account).toMatchObject({ email: 'n@example.com', role: 'ADMIN', status: 'CONFIRMED' });
  });

  it('lets Cognito issue a temporary password when none is given', async () => {
    const account = await service.addUserAccount(admin, { email: 'n@example.com', role: 'USER' });
    expect(directory.calls).toEqual(['create', 'addToGroup:user']);
    expect(account.status).toBe('FORCE_CHANGE_PASSWORD');
  });

  it('validates the password before calling the directory', async () => {
    await expect(
      service.addUserAccount(admin, { email: 'n@example.com', role: 'USER', password: 'weakpass' }),
    ).rejects.toMatchObject({ issues: [{ field: 'input.password' }] });
    expect(directory.calls).toEqual([]);
  });

  it('removes the account again when the group cannot be joined, and reports the failure', async () => {
    const outage = new ServiceUnavailableError('busy');
    directory.failOn = { operation: 'addToGroup:user', error: outage };
    await expect(service.addUserAccount(admin, { email: 'n@example.com', role: 'USER' })).rejects.toBe(
      outage,
    );
    expect(directory.calls).toEqual(['create', 'addToGroup:user', 'delete']);
    expect(directory.accounts.size).toBe(0);
  });

  it('removes the account again when Cognito refuses the password', async () => {
    const refused = new ValidationError({ field: 'input.password', message: 'is not accepted' });
    directory.failOn = { operation: 'setPassword', error: refused };
    await expect(
      service.addUserAccount(admin, { email: 'n@example.com', role: 'USER', password: PASSWORD }),
    ).rejects.toBe(refused);
    expect(directory.accounts.size).toBe(0);
  });

  it('passes Conflict through for a taken email', async () => {
    directory.seed('n@example.com');
    await expect(
      service.addUserAccount(admin, { email: 'n@example.com', role: 'USER' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('AccountService.updateUserAccount', () => {
  it('changes the email in the directory and in the linked profile', async () => {
    const account = directory.seed('old@example.com');
    await profiles.create(userProfile(account.sub, { email: 'old@example.com', name: 'Erin' }));
    const updated = await service.updateUserAccount(admin, {
      username: account.username,
      email: 'new@example.com',
    });
    expect(updated.email).toBe('new@example.com');
    expect(directory.accounts.get(account.username)?.email).toBe('new@example.com');
    expect(profiles.profiles.get(account.sub)).toMatchObject({ email: 'new@example.com', name: 'Erin' });
  });

  it('changes the email of an account that has no profile yet without creating one', async () => {
    const account = directory.seed('old@example.com');
    await service.updateUserAccount(admin, { username: account.username, email: 'new@example.com' });
    expect(profiles.profiles.size).toBe(0);
  });

  it('relinks the profile on a retry when Cognito already has the new email', async () => {
    const account = directory.seed('new@example.com');
    await profiles.create(userProfile(account.sub, { email: 'old@example.com' }));
    await service.updateUserAccount(admin, { username: account.username, email: 'new@example.com' });
    expect(directory.calls).not.toContain('setEmail');
    expect(profiles.profiles.get(account.sub)?.email).toBe('new@example.com');
  });

  it('refuses an email another account uses, before changing anything', async () => {
    const account = directory.seed('old@example.com');
    directory.seed('taken@example.com');
    await expect(
      service.updateUserAccount(admin, { username: account.username, email: 'taken@example.com' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(directory.calls).not.toContain('setEmail');
  });

  it('leaves the old group before joining the new one', async () => {
    const account = directory.seed('a@example.com', ['admin']);
    const updated = await service.updateUserAccount(admin, { username: account.username, role: 'USER' });
    expect(updated.role).toBe('USER');
    const moves = directory.calls.filter((c) => c.includes('Group'));
    expect(moves).toEqual(['removeFromGroup:admin', 'addToGroup:user']);
  });

  it('makes no call for a role or enabled state the account already has', async () => {
    const account = directory.seed('a@example.com', ['user']);
    await service.updateUserAccount(admin, { username: account.username, role: 'USER', enabled: true });
    expect([...directory.calls].sort()).toEqual(['get', 'groupsOf']);
  });

  it('sets the password and the enabled state', async () => {
    const account = directory.seed('a@example.com', ['user'], { status: 'FORCE_CHANGE_PASSWORD' });
    const updated = await service.updateUserAccount(admin, {
      username: account.username,
      password: PASSWORD,
      enabled: false,
    });
    expect(updated).toMatchObject({
      status: 'CONFIRMED',
      enabled: false,
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    expect(directory.calls).toEqual(expect.arrayContaining(['setPassword', 'disable']));
  });

  it('answers NotFound for an unknown username', async () => {
    await expect(
      service.updateUserAccount(admin, { username: 'ghost', enabled: false }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('AccountService.deleteUserAccount', () => {
  it('deletes the profile, then the account, and returns the account with its role', async () => {
    const account = directory.seed('a@example.com', ['user']);
    await profiles.create(userProfile(account.sub, { email: 'a@example.com' }));
    const deleted = await service.deleteUserAccount(admin, account.username);
    expect(deleted).toMatchObject({ email: 'a@example.com', role: 'USER' });
    expect(profiles.profiles.size).toBe(0);
    expect(directory.accounts.size).toBe(0);
  });

  it('keeps the account for a retry when the directory delete fails', async () => {
    const account = directory.seed('a@example.com');
    directory.failOn = { operation: 'delete', error: new ServiceUnavailableError('busy') };
    await expect(service.deleteUserAccount(admin, account.username)).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(directory.accounts.has(account.username)).toBe(true);
  });

  it('refuses a user', async () => {
    await expect(service.deleteUserAccount(userCaller('u-1'), 'u-1')).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });
});
