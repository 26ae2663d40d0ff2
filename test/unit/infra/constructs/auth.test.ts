import { describe, expect, it } from 'vitest';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Auth } from '../../../../infra/constructs/auth';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

const pool = (build: Parameters<typeof templateOf>[0]) =>
  Object.values(templateOf(build).findResources('AWS::Cognito::UserPool'))[0]!;

describe('the Auth construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('names the pool yvr-<stage>-users, admin-created accounts only, optional TOTP', () => {
    const p = pool((stack) => new Auth(stack, 'Auth', { stage: 'dev' }));
    expect(p.Properties.UserPoolName).toBe('yvr-dev-users');
    expect(p.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(p.Properties.MfaConfiguration).toBe('OPTIONAL');
    expect(p.DeletionPolicy).toBe('Delete');
  });

  it('retains the pool when removalPolicy says so', () => {
    const p = pool((stack) => new Auth(stack, 'Auth', { stage: 'dev', removalPolicy: RemovalPolicy.RETAIN }));
    expect(p.DeletionPolicy).toBe('Retain');
  });

  it('refuses an empty stage', () => {
    expect(() => new Auth(bareStack(), 'Auth', { stage: '' })).toThrow('T/Auth: prop "stage" is required');
  });
});
