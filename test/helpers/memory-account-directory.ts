import type { Account, AccountDirectory, AccountGroup, AccountPage, NewAccount } from '../../core/accounts';
import { ConflictError, NotFoundError } from '../../core/shared/errors';

/**
 * An AccountDirectory in memory, for service unit tests. It records every
 * call in order and can be told to fail one operation, to test what the
 * service does when Cognito fails half-way.
 */
export class MemoryAccountDirectory implements AccountDirectory {
  readonly accounts = new Map<string, Account & { password?: string }>();
  readonly groups = new Map<AccountGroup, Set<string>>([
    ['admin', new Set()],
    ['user', new Set()],
  ]);
  readonly calls: string[] = [];
  failOn?: { operation: string; error: Error };
  #next = 1;

  #record(operation: string): void {
    this.calls.push(operation);
    if (this.failOn?.operation === operation) throw this.failOn.error;
  }

  #require(username: string): Account & { password?: string } {
    const account = this.accounts.get(username);
    if (!account) throw new NotFoundError(`No account with username ${username}.`);
    return account;
  }

  /** Adds an account directly, as if made earlier. */
  seed(email: string, groups: AccountGroup[] = ['user'], overrides: Partial<Account> = {}): Account {
    const username = `sub-${String(this.#next++).padStart(4, '0')}`;
    const account: Account = {
      username,
      sub: username,
      email,
      status: 'CONFIRMED',
      enabled: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...overrides,
    };
    this.accounts.set(username, account);
    for (const group of groups) this.groups.get(group)!.add(username);
    return account;
  }

  async list(limit: number, nextToken?: string | null): Promise<AccountPage> {
    this.#record('list');
    const start = nextToken ? Number(nextToken) : 0;
    const all = [...this.accounts.values()];
    return {
      accounts: all.slice(start, start + limit).map((a) => ({ ...a })),
      nextToken: start + limit < all.length ? String(start + limit) : null,
    };
  }

  async get(username: string): Promise<Account | undefined> {
    this.#record('get');
    const found = this.accounts.get(username);
    return found ? { ...found } : undefined;
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    this.#record('findByEmail');
    const found = [...this.accounts.values()].find((a) => a.email === email);
    return found ? { ...found } : undefined;
  }

  async groupsOf(username: string): Promise<AccountGroup[]> {
    this.#record('groupsOf');
    this.#require(username);
    return [...this.groups].filter(([, members]) => members.has(username)).map(([group]) => group);
  }

  async membersOf(group: AccountGroup): Promise<Set<string>> {
    this.#record(`membersOf:${group}`);
    return new Set(this.groups.get(group));
  }

  async create(account: NewAccount): Promise<Account> {
    this.#record('create');
    if ([...this.accounts.values()].some((a) => a.email === account.email)) {
      throw new ConflictError('An account with this email already exists.');
    }
    return this.seed(account.email, [], {
      status: 'FORCE_CHANGE_PASSWORD',
      createdAt: '2026-02-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
    });
  }

  async addToGroup(username: string, group: AccountGroup): Promise<void> {
    this.#record(`addToGroup:${group}`);
    this.#require(username);
    this.groups.get(group)!.add(username);
  }

  async removeFromGroup(username: string, group: AccountGroup): Promise<void> {
    this.#record(`removeFromGroup:${group}`);
    this.#require(username);
    this.groups.get(group)!.delete(username);
  }

  async setPassword(username: string, password: string): Promise<void> {
    this.#record('setPassword');
    const account = this.#require(username);
    account.password = password;
    account.status = 'CONFIRMED';
  }

  async setEmail(username: string, email: string): Promise<void> {
    this.#record('setEmail');
    this.#require(username).email = email;
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    this.#record(enabled ? 'enable' : 'disable');
    this.#require(username).enabled = enabled;
  }

  async delete(username: string): Promise<void> {
    this.#record('delete');
    this.#require(username);
    this.accounts.delete(username);
    for (const members of this.groups.values()) members.delete(username);
  }
}
