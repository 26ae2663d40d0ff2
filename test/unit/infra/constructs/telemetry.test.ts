import { describe, expect, it } from 'vitest';
import { Telemetry } from '../../../../infra/constructs/telemetry';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

describe('the Telemetry construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('creates the Timestream database and table by default, and no DynamoDB table', () => {
    const template = templateOf((stack) => new Telemetry(stack, 'Telemetry', { stage: 'dev' }));
    template.hasResourceProperties('AWS::Timestream::Database', { DatabaseName: 'yvr-dev-db' });
    template.resourceCountIs('AWS::Timestream::Table', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  it('creates only the DynamoDB telemetry table with store dynamodb', () => {
    const template = templateOf(
      (stack) => new Telemetry(stack, 'Telemetry', { stage: 'dev', store: 'dynamodb' }),
    );
    template.resourceCountIs('AWS::Timestream::Database', 0);
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'yvr-dev-telemetry' });
  });

  it('writes the retention props into the Timestream table', () => {
    const template = templateOf(
      (stack) =>
        new Telemetry(stack, 'Telemetry', {
          stage: 'dev',
          memoryStoreRetentionHours: 12,
          magneticStoreRetentionDays: 30,
        }),
    );
    template.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '12',
        MagneticStoreRetentionPeriodInDays: '30',
      },
    });
  });

  it.each([
    ['memoryStoreRetentionHours', { memoryStoreRetentionHours: 0 }],
    ['memoryStoreRetentionHours', { memoryStoreRetentionHours: 9000 }],
    ['magneticStoreRetentionDays', { magneticStoreRetentionDays: 0 }],
    ['magneticStoreRetentionDays', { magneticStoreRetentionDays: 2.5 }],
  ])('refuses an out-of-range %s', (prop, extra) => {
    expect(() => new Telemetry(bareStack(), 'Telemetry', { stage: 'dev', ...extra })).toThrow(
      `T/Telemetry: prop "${prop}" must be a whole number`,
    );
  });
});
