import type { User } from '../../core/generated/graphql';
import { ConflictError, NotFoundError } from '../../core/shared/errors';
import { decodeToken, encodeToken, type Page } from '../../core/shared/pagination';
import type { UserChanges, UserStore } from '../../core/users';

/** A UserStore in a Map, for service unit tests; it keeps the port's promises (errors, order, null clears). */
export class MemoryUserStore implements UserStore {
  readonly profiles = new Map<string, User>();
  readonly calls: string[] = [];

  async get(id: string): Promise<User | undefined> {
    this.calls.push('get');
    const found = this.profiles.get(id);
    return found ? { ...found } : undefined;
  }

  async create(user: User): Promise<User> {
    this.calls.push('create');
    if (this.profiles.has(user.id)) throw new ConflictError(`A profile with id ${user.id} already exists.`);
    this.profiles.set(user.id, { ...user });
    return { ...user };
  }

  async list(limit: number, nextToken?: string | null): Promise<Page<User>> {
    this.calls.push('list');
    const after = decodeToken<{ after: string }>(nextToken)?.after;
    const ids = [...this.profiles.keys()].sort().filter((id) => after === undefined || id > after);
    const page = ids.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((id) => ({ ...this.profiles.get(id)! })),
      nextToken: ids.length > limit && last ? encodeToken({ after: last }) : null,
    };
  }

  async update(id: string, changes: UserChanges, updatedAt: string): Promise<User> {
    this.calls.push('update');
    const found = this.profiles.get(id);
    if (!found) throw new NotFoundError(`No profile with id ${id}.`);
    const next: User = { ...found, updatedAt };
    for (const [field, value] of Object.entries(changes) as [
      keyof UserChanges,
      string | null | undefined,
    ][]) {
      if (value !== undefined) (next as Record<string, unknown>)[field] = value;
    }
    this.profiles.set(id, next);
    return { ...next };
  }

  async updateEmail(id: string, email: string, updatedAt: string): Promise<void> {
    this.calls.push('updateEmail');
    const found = this.profiles.get(id);
    if (found && found.email !== email) this.profiles.set(id, { ...found, email, updatedAt });
  }

  async delete(id: string): Promise<User | undefined> {
    this.calls.push('delete');
    const found = this.profiles.get(id);
    this.profiles.delete(id);
    return found;
  }
}
