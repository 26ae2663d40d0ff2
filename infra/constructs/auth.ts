import type { RemovalPolicy } from 'aws-cdk-lib';
import { Duration, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  UserPool,
  UserPoolGroup,
  type IUserPool,
  type IUserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { resourceName } from '../stage';
import {
  SELF_SIGN_UP_ENABLED,
  TEMPORARY_PASSWORD_VALIDITY_DAYS,
  USER_POOL_TOKEN_VALIDITY,
} from '../../core/accounts/user-pool-settings';
import { StageConstruct } from './props';

export interface AuthProps {
  readonly stage: string;
  /**
   * What happens to the user pool when the stack is deleted or the pool replaced.
   * @default RETAIN (and deletion protection) for production stages, DESTROY otherwise
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The Cognito groups that CONTRACT.md section 1 authorizes with. */
export const USER_GROUPS = ['admin', 'user'] as const;

/**
 * The user directory: a Cognito user pool that people sign in to with their
 * email, the groups `admin` and `user`, and the dashboard's app client.
 * Accounts are created by admins (`addUserAccount`), never by self sign-up.
 */
export class Auth extends StageConstruct {
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id, props.stage);
    const prod = this.production;

    const pool = new UserPool(this, 'UserPool', {
      userPoolName: resourceName(props.stage, 'users'),
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      selfSignUpEnabled: SELF_SIGN_UP_ENABLED,
      // The old system's policy, kept so existing passwords stay valid.
      passwordPolicy: {
        minLength: 8,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(TEMPORARY_PASSWORD_VALIDITY_DAYS),
      },
      mfa: Mfa.OPTIONAL,
      // Authenticator apps only: SMS would need an SNS role and a spending limit.
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: prod,
      removalPolicy: props.removalPolicy ?? this.stageRemovalPolicy,
    });

    for (const group of USER_GROUPS) {
      new UserPoolGroup(this, `Group-${group}`, {
        userPool: pool,
        groupName: group,
        description: group === 'admin' ? 'Manages devices and accounts' : 'Reads devices and readings',
      });
    }

    this.userPoolClient = pool.addClient('DashboardClient', {
      userPoolClientName: resourceName(props.stage, 'dashboard'),
      generateSecret: false,
      // The dashboard signs in with InitiateAuth (SRP or USER_PASSWORD_AUTH), not the hosted UI.
      disableOAuth: true,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // The local mode's Cognito front issues tokens with the same lifetimes.
      idTokenValidity: Duration.minutes(USER_POOL_TOKEN_VALIDITY.idTokenMinutes),
      accessTokenValidity: Duration.minutes(USER_POOL_TOKEN_VALIDITY.accessTokenMinutes),
      refreshTokenValidity: Duration.days(USER_POOL_TOKEN_VALIDITY.refreshTokenDays),
    });
    this.userPool = pool;

    Validations.of(pool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is optional by requirement (issue 6): operators enrol an authenticator app themselves; ' +
          'accounts are created only by admins and self sign-up is off.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the Cognito Plus feature plan, billed per active user; the pool has ' +
          'a handful of admin-created accounts, a strong password policy and optional TOTP MFA.',
      },
    );
  }
}
