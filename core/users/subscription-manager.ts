import type { StoredUser, UserStore } from './user-store';

/** The subscriptions that carry one profile's alerts, by channel (null: none). */
export interface ProfileSubscriptions {
  emailSubscriptionArn: string | null;
  smsSubscriptionArn: string | null;
}

/**
 * Keeps the alert topic's subscriptions in step with a profile's opt-ins:
 * SNS in AWS (core/users/sns-subscription-manager.ts). Locally there is none:
 * the outbox reads the profiles when it writes a notification.
 */
export interface SubscriptionManager {
  /** Makes the topic's subscriptions match `profile`; answers what the profile must remember. */
  sync(profile: StoredUser): Promise<ProfileSubscriptions>;
  /** Removes every subscription of a profile that is deleted. */
  remove(profile: StoredUser): Promise<void>;
}

/**
 * The profile writes the accounts area makes (an account's email changes, an
 * account is deleted), with the alert subscriptions kept in step: a deleted
 * account stops receiving alerts, a new email receives them instead of the old.
 */
export function withSubscriptions(
  store: Pick<UserStore, 'get' | 'update' | 'updateEmail' | 'delete'>,
  subscriptions: SubscriptionManager,
): Pick<UserStore, 'updateEmail' | 'delete'> {
  return {
    async updateEmail(id, email, updatedAt) {
      await store.updateEmail(id, email, updatedAt);
      const profile = await store.get(id);
      if (!profile) return;
      const arns = await subscriptions.sync(profile);
      if (
        arns.emailSubscriptionArn !== (profile.emailSubscriptionArn ?? null) ||
        arns.smsSubscriptionArn !== (profile.smsSubscriptionArn ?? null)
      )
        await store.update(id, arns, profile.updatedAt);
    },
    async delete(id) {
      const deleted = await store.delete(id);
      if (deleted) await subscriptions.remove(deleted);
      return deleted;
    },
  };
}
