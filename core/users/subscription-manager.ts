import type { StoredUser } from './user-store';

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
