import type { User } from '../../core/generated/graphql';

/** When the profiles of {@link userProfile} were created and last changed. */
export const PROFILE_CREATED_AT = '2026-01-01T00:00:00.000Z';

/**
 * A user profile as the UserStore port returns it: email `<id>@example.com`,
 * every optional field null, no notifications, no followed stations, created
 * and updated at {@link PROFILE_CREATED_AT}; `overrides` change any field.
 */
export function userProfile(id = 'u1', overrides: Partial<User> = {}): User {
  return {
    id,
    email: `${id}@example.com`,
    name: null,
    phone: null,
    organization: null,
    preferences: null,
    notifyByEmail: false,
    notifyBySms: false,
    followedDeviceIds: [],
    createdAt: PROFILE_CREATED_AT,
    updatedAt: PROFILE_CREATED_AT,
    ...overrides,
  };
}
