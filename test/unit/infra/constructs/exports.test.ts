import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { Exports } from '../../../../infra/constructs/exports';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

describe('the Exports construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('deletes export files after one day by default', () => {
    const template = templateOf((stack) => new Exports(stack, 'Exports', { stage: 'dev' }));
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: 1,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ],
      },
    });
  });

  it('keeps export files for expireAfterDays when given', () => {
    const template = templateOf(
      (stack) => new Exports(stack, 'Exports', { stage: 'dev', expireAfterDays: 7 }),
    );
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7 })] },
    });
  });

  it.each([0, -1, 1.5])('refuses expireAfterDays %s, naming the prop', (days) => {
    expect(() => new Exports(bareStack(), 'Exports', { stage: 'dev', expireAfterDays: days })).toThrow(
      /T\/Exports: prop "expireAfterDays" must be a whole number from 1 to 3650/,
    );
  });

  it.each(['', 'Prod', 'has space', 'a'.repeat(21)])('refuses the stage %j', (stage) => {
    expect(() => new Exports(bareStack(), 'Exports', { stage })).toThrow(/prop "stage"/);
  });
});
