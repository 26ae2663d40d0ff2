import type { User, UserConnection } from '../generated/graphql';
import { NotFoundError, UnauthorizedError } from '../shared/errors';
import type { Caller } from '../shared/identity';
import { pageSize } from '../shared/pagination';
import { parseInput } from '../shared/zod-issues';
import type { UserChanges, UserStore } from './user-store';
import { createUserInputSchema, updateUserInputSchema, userIdSchema } from './user-validation';

export interface UserServiceOptions {
  store: UserStore;
  /** Injected so tests control timestamps. */
  clock?: () => Date;
}

type SignedInCaller = Extract<Caller, { kind: 'user' }>;

/**
 * User profiles: the dashboard's data about a person (name, phone,
 * organization, preferences), keyed by the Cognito `sub` of their account.
 * Admins manage every profile; a `user` reads and updates only its own.
 * Every operation checks the caller itself, whatever the entry already did.
 */
export class UserService {
  readonly #store: UserStore;
  readonly #clock: () => Date;

  constructor(options: UserServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Admin: creates a profile; ConflictError when the id has one already. */
  async createUser(caller: Caller, input: unknown): Promise<User> {
    requireAdmin(caller);
    const values = parseInput(createUserInputSchema, input, ['input']);
    const now = this.#clock().toISOString();
    return this.#store.create({
      id: values.id,
      email: values.email,
      name: values.name ?? null,
      phone: values.phone ?? null,
      organization: values.organization ?? null,
      preferences: values.preferences ?? null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Admin: any profile; user: only its own. Null when there is none. */
  async user(caller: Caller, id: unknown): Promise<User | null> {
    const signedIn = requireSignedIn(caller);
    const userId = parseInput(userIdSchema, id, ['id']);
    requireSelfOrAdmin(signedIn, userId);
    return (await this.#store.get(userId)) ?? null;
  }

  /** Admin: one page of profiles, in id order. */
  async users(caller: Caller, limit?: number | null, nextToken?: string | null): Promise<UserConnection> {
    requireAdmin(caller);
    const page = await this.#store.list(pageSize(limit), nextToken);
    return { items: page.items, nextToken: page.nextToken };
  }

  /** Admin: any profile; user: only its own. Changes only the fields given; null clears one. */
  async updateUser(caller: Caller, input: unknown): Promise<User> {
    const signedIn = requireSignedIn(caller);
    const { id, ...fields } = parseInput(updateUserInputSchema, input, ['input']);
    requireSelfOrAdmin(signedIn, id);
    const changes: UserChanges = {};
    if (fields.email !== undefined) changes.email = fields.email;
    if (fields.name !== undefined) changes.name = fields.name;
    if (fields.phone !== undefined) changes.phone = fields.phone;
    if (fields.organization !== undefined) changes.organization = fields.organization;
    if (fields.preferences !== undefined) changes.preferences = fields.preferences;
    return this.#store.update(id, changes, this.#clock().toISOString());
  }

  /** Admin: removes a profile (not the account) and returns it; NotFoundError when there is none. */
  async deleteUser(caller: Caller, id: unknown): Promise<User> {
    requireAdmin(caller);
    const userId = parseInput(userIdSchema, id, ['id']);
    const deleted = await this.#store.delete(userId);
    if (!deleted) throw new NotFoundError(`No profile with id ${userId}.`);
    return deleted;
  }

  /** The caller's own profile, or null when it has none yet. */
  async me(caller: Caller): Promise<User | null> {
    const signedIn = requireSignedIn(caller);
    return (await this.#store.get(signedIn.sub)) ?? null;
  }
}

function requireSignedIn(caller: Caller): SignedInCaller {
  if (caller.kind !== 'user' || !caller.groups.some((g) => g === 'admin' || g === 'user')) {
    throw new UnauthorizedError('Profiles are for signed-in members of the admin or user group.');
  }
  return caller;
}

function requireAdmin(caller: Caller): SignedInCaller {
  const signedIn = requireSignedIn(caller);
  if (!signedIn.groups.includes('admin')) {
    throw new UnauthorizedError(
      'Only an admin may do this; a user may read and update only its own profile.',
    );
  }
  return signedIn;
}

function requireSelfOrAdmin(caller: SignedInCaller, id: string): void {
  if (caller.groups.includes('admin') || caller.sub === id) return;
  throw new UnauthorizedError('A user may read and update only its own profile.');
}
