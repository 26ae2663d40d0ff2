import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAccountDirectory } from '../../../core/accounts/cognito-account-directory';

/** The user pool's accounts (imported by handler.ts on the first accounts call). */
export const cognitoAccountDirectory = (userPoolId: string): CognitoAccountDirectory =>
  new CognitoAccountDirectory({ client: new CognitoIdentityProviderClient({}), userPoolId });
