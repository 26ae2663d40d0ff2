/**
 * Settings of the Cognito user pool that the CDK app deploys and the local
 * mode's Cognito front imitates: one definition, so the two cannot drift.
 */
export const USER_POOL_TOKEN_VALIDITY = {
  /** ID and access tokens: Cognito's default of one hour, set explicitly on the app client. */
  idTokenMinutes: 60,
  accessTokenMinutes: 60,
  /** Refresh tokens: Cognito's default of 30 days. */
  refreshTokenDays: 30,
} as const;

/** How long a temporary password (an account made by an admin) can be used for the first sign-in. */
export const TEMPORARY_PASSWORD_VALIDITY_DAYS = 7;

/** Accounts are made by admins only (`addUserAccount`): self sign-up is off in AWS and locally. */
export const SELF_SIGN_UP_ENABLED = false;
