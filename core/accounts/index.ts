/** Cognito accounts: the service, its directory port and the Cognito adapter. */
export { AccountService, roleOf, type AccountServiceOptions, type LinkedProfiles } from './account-service';
// The directory port whole: its types, its page ceiling.
export * from './account-directory';
export {
  CognitoAccountDirectory,
  mapCognitoError,
  type CognitoAccountDirectoryOptions,
} from './cognito-account-directory';
export { PASSWORD_POLICY_TEXT, passwordProblems } from './password-policy';
export {
  USER_POOL_TOKEN_VALIDITY,
  TEMPORARY_PASSWORD_VALIDITY_DAYS,
  SELF_SIGN_UP_ENABLED,
} from './user-pool-settings';
