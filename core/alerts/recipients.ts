import type { User } from '../generated/graphql';

/** The profile fields that decide who is told about an alert. */
export type NotificationProfile = Pick<
  User,
  'id' | 'email' | 'phone' | 'notifyByEmail' | 'notifyBySms' | 'followedDeviceIds'
>;

/** E.164: "+", a country code, at most 15 digits (what SNS SMS takes). */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

/** Whether a profile wants alerts of this device: opted in, and following it (no list = every station). */
export function wantsAlertsOf(profile: NotificationProfile, deviceId: string): boolean {
  if (!profile.notifyByEmail && !profile.notifyBySms) return false;
  const followed = profile.followedDeviceIds ?? [];
  return followed.length === 0 || followed.includes(deviceId);
}

/** Where one person is told, by channel. */
export interface Recipient {
  userId: string;
  email?: string;
  sms?: string;
}

/** The recipients of a device's alert among the profiles: the same rule the SNS filter policies encode. */
export function recipientsOf(profiles: readonly NotificationProfile[], deviceId: string): Recipient[] {
  return profiles
    .filter((p) => wantsAlertsOf(p, deviceId))
    .map((p) => ({
      userId: p.id,
      ...(p.notifyByEmail ? { email: p.email } : {}),
      ...(p.notifyBySms && p.phone && E164_PATTERN.test(p.phone) ? { sms: p.phone } : {}),
    }))
    .filter((r) => r.email !== undefined || r.sms !== undefined);
}

/**
 * The SNS subscription filter policy of a profile: the message attribute
 * `deviceId` must be one it follows; no list = no policy (every station).
 */
export function filterPolicyOf(
  profile: Pick<NotificationProfile, 'followedDeviceIds'>,
): Record<string, string[]> | null {
  const followed = profile.followedDeviceIds ?? [];
  return followed.length === 0 ? null : { deviceId: [...followed].sort() };
}
