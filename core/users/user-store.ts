import type { User } from '../generated/graphql';
import type { Page } from '../shared/pagination';

/** Profile fields that an update may set (a string) or clear (null); `email` can only be set. */
export type UserChanges = {
  email?: string;
  name?: string | null;
  phone?: string | null;
  organization?: string | null;
  /** Canonical JSON text of an object. */
  preferences?: string | null;
  notifyByEmail?: boolean;
  notifyBySms?: boolean;
  followedDeviceIds?: string[];
  /** The SNS subscriptions that carry this profile's alerts (kept by the SubscriptionManager); null clears. */
  emailSubscriptionArn?: string | null;
  smsSubscriptionArn?: string | null;
};

/** A profile with the subscription bookkeeping the API never shows. */
export type StoredUser = User & {
  emailSubscriptionArn?: string | null;
  smsSubscriptionArn?: string | null;
};

/**
 * Where user profiles live. Implementations map their own failures to the
 * named errors below, so the service never sees a storage-specific error.
 */
export interface UserStore {
  /** The profile with this id (a Cognito `sub`), or undefined. */
  get(id: string): Promise<StoredUser | undefined>;
  /** Stores a new profile; ConflictError when one with the same id exists. */
  create(user: User): Promise<User>;
  /** One page of profiles in id order; `nextToken` is the store's own opaque token. */
  list(limit: number, nextToken?: string | null): Promise<Page<User>>;
  /** Applies only the given changes; NotFoundError when there is no such profile. */
  update(id: string, changes: UserChanges, updatedAt: string): Promise<StoredUser>;
  /**
   * Makes an existing profile's email `email`; does nothing when there is no
   * profile or it already has that email. Idempotent, so a retried account
   * email change can always call it.
   */
  updateEmail(id: string, email: string, updatedAt: string): Promise<void>;
  /** Removes the profile and returns what it was, or undefined when there was none. */
  delete(id: string): Promise<StoredUser | undefined>;
}
