import { describe, expect, it } from 'vitest';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Data } from '../../../../infra/constructs/data';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

const table = (build: Parameters<typeof templateOf>[0]) =>
  Object.values(templateOf(build).findResources('AWS::DynamoDB::Table'))[0]!;

describe('the Data construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('deletes a non-production table with its stack, without deletion protection', () => {
    const t = table((stack) => new Data(stack, 'Data', { stage: 'dev' }));
    expect(t.DeletionPolicy).toBe('Delete');
    expect(t.Properties.DeletionProtectionEnabled).toBe(false);
  });

  it('retains and deletion-protects the prod table', () => {
    const t = table((stack) => new Data(stack, 'Data', { stage: 'prod' }));
    expect(t.DeletionPolicy).toBe('Retain');
    expect(t.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('takes removalPolicy and deletionProtection from its props over the stage default', () => {
    const t = table(
      (stack) =>
        new Data(stack, 'Data', {
          stage: 'dev',
          removalPolicy: RemovalPolicy.RETAIN,
          deletionProtection: true,
        }),
    );
    expect(t.DeletionPolicy).toBe('Retain');
    expect(t.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('refuses a stage that would make an invalid table name', () => {
    expect(() => new Data(bareStack(), 'Data', { stage: 'Dev_1' })).toThrow(/T\/Data: prop "stage"/);
  });
});
