import type { CreateUserInput, UpdateUserInput, User, UserConnection } from '../generated/graphql';
import { NotFoundError, UnauthorizedError } from '../shared/errors';
import { callerGuards, type Caller, type SignedInCaller } from '../shared/identity';
import { pageSize } from '../shared/pagination';
import { parseInput } from '../shared/zod-issues';
import { ValidationError } from '../shared/errors';
import { E164_PATTERN } from '../alerts/recipients';
import type { SubscriptionManager } from './subscription-manager';
import type { StoredUser, UserChanges, UserStore } from './user-store';
import { createUserInputSchema, updateUserInputSchema, userIdSchema } from './user-validation';

export interface UserServiceOptions {
  store: UserStore;
  /** Injected so tests control timestamps. */
  clock?: () => Date;
  /** Keeps the alert topic's subscriptions in step with the opt-ins (SNS in AWS; none locally). */
  subscriptions?: SubscriptionManager;
}

/**
 * User profiles: the dashboard's data about a person (name, phone,
 * organization, preferences), keyed by the Cognito `sub` of their account.
 * Admins manage every profile; a `user` reads and updates only its own.
 * Every operation checks the caller itself, whatever the entry already did.
 */
export class UserService {
  readonly #store: UserStore;
  readonly #clock: () => Date;
  readonly #subscriptions: SubscriptionManager | undefined;

  constructor(options: UserServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? (() => new Date());
    this.#subscriptions = options.subscriptions;
  }

  /** Admin: creates a profile; ConflictError when the id has one already. */
  async createUser(caller: Caller, input: CreateUserInput): Promise<User> {
    requireAdmin(caller);
    const values = parseInput(createUserInputSchema(), input, ['input']);
    const now = this.#clock().toISOString();
    const profile: User = {
      id: values.id,
      email: values.email,
      name: values.name ?? null,
      phone: values.phone ?? null,
      organization: values.organization ?? null,
      preferences: values.preferences ?? null,
      notifyByEmail: values.notifyByEmail ?? false,
      notifyBySms: values.notifyBySms ?? false,
      followedDeviceIds: values.followedDeviceIds ?? [],
      createdAt: now,
      updatedAt: now,
    };
    requireSmsPhone(profile);
    return publicUser(await this.#synced(await this.#store.create(profile)));
  }

  /** Admin: any profile; user: only its own. Null when there is none. */
  async user(caller: Caller, id: string): Promise<User | null> {
    const signedIn = requireSignedIn(caller);
    const userId = parseInput(userIdSchema(), id, ['id']);
    requireSelfOrAdmin(signedIn, userId);
    const found = await this.#store.get(userId);
    return found ? publicUser(found) : null;
  }

  /** Admin: one page of profiles, in id order. */
  async users(caller: Caller, limit?: number | null, nextToken?: string | null): Promise<UserConnection> {
    requireAdmin(caller);
    const page = await this.#store.list(pageSize(limit), nextToken);
    return { items: page.items.map(publicUser), nextToken: page.nextToken };
  }

  /** Admin: any profile; user: only its own. Changes only the fields given; null clears one. */
  async updateUser(caller: Caller, input: UpdateUserInput): Promise<User> {
    const signedIn = requireSignedIn(caller);
    const { id, ...fields } = parseInput(updateUserInputSchema(), input, ['input']);
    requireSelfOrAdmin(signedIn, id);
    const changes: UserChanges = {};
    if (fields.email !== undefined) changes.email = fields.email;
    if (fields.name !== undefined) changes.name = fields.name;
    if (fields.phone !== undefined) changes.phone = fields.phone;
    if (fields.organization !== undefined) changes.organization = fields.organization;
    if (fields.preferences !== undefined) changes.preferences = fields.preferences;
    if (fields.notifyByEmail !== undefined) changes.notifyByEmail = fields.notifyByEmail;
    if (fields.notifyBySms !== undefined) changes.notifyBySms = fields.notifyBySms;
    if (fields.followedDeviceIds !== undefined) changes.followedDeviceIds = fields.followedDeviceIds;
    const touchesSms = changes.notifyBySms !== undefined || changes.phone !== undefined;
    if (touchesSms) {
      // SMS needs an E.164 phone: checked against the profile as it will be, not only the input.
      const current = await this.#store.get(id);
      if (current) requireSmsPhone({ ...current, ...changes } as User);
    }
    const updated = await this.#store.update(id, changes, this.#clock().toISOString());
    return publicUser(await this.#synced(updated));
  }

  /** Brings the alert topic's subscriptions in step with the profile and remembers their ARNs. */
  async #synced(profile: StoredUser): Promise<StoredUser> {
    if (!this.#subscriptions) return profile;
    const arns = await this.#subscriptions.sync(profile);
    if (
      arns.emailSubscriptionArn === (profile.emailSubscriptionArn ?? null) &&
      arns.smsSubscriptionArn === (profile.smsSubscriptionArn ?? null)
    )
      return profile;
    return this.#store.update(profile.id, arns, profile.updatedAt);
  }

  /** Admin: removes a profile (not the account) and returns it; NotFoundError when there is none. */
  async deleteUser(caller: Caller, id: string): Promise<User> {
    requireAdmin(caller);
    const userId = parseInput(userIdSchema(), id, ['id']);
    const deleted = await this.#store.delete(userId);
    if (!deleted) throw new NotFoundError(`No profile with id ${userId}.`);
    await this.#subscriptions?.remove(deleted);
    return publicUser(deleted);
  }

  /** The caller's own profile, or null when it has none yet. */
  async me(caller: Caller): Promise<User | null> {
    const signedIn = requireSignedIn(caller);
    const found = await this.#store.get(signedIn.sub);
    return found ? publicUser(found) : null;
  }
}

/** The profile as the API shows it: without the subscription bookkeeping. */
function publicUser(stored: StoredUser): User {
  const { emailSubscriptionArn: _e, smsSubscriptionArn: _s, ...user } = stored;
  return user;
}

/** notifyBySms needs a phone SNS can text: E.164, e.g. +16045550123. */
function requireSmsPhone(profile: Pick<User, 'notifyBySms' | 'phone'>): void {
  if (profile.notifyBySms && !(profile.phone && E164_PATTERN.test(profile.phone.trim()))) {
    throw new ValidationError({
      field: 'input.phone',
      message:
        'must be an E.164 number such as +16045550123 (a "+", the country code, up to 15 digits, no spaces) while notifyBySms is true',
    });
  }
}

const { member: requireSignedIn, admin: requireAdmin } = callerGuards({
  notMember: 'Profiles are for signed-in members of the admin or user group.',
  notAdmin: 'Only an admin may do this; a user may read and update only its own profile.',
});

function requireSelfOrAdmin(caller: SignedInCaller, id: string): void {
  if (caller.groups.includes('admin') || caller.sub === id) return;
  throw new UnauthorizedError('A user may read and update only its own profile.');
}
