import { describe, expect, it } from 'vitest';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { OperatorConsole, type OperatorConsoleProps } from '../../../../infra/constructs/console';
import { SOURCE_PATHS } from '../../../../infra/stack';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

const props: OperatorConsoleProps = {
  stage: 'dev',
  sourceDir: SOURCE_PATHS.console,
  // Bundling is skipped on the bare stack: the asset is hashed from sourceDir, nothing is built.
  build: () => {
    throw new Error('the console is not built in these tests');
  },
  config: { Stage: 'dev' },
  logRetention: RetentionDays.ONE_WEEK,
};

describe('the OperatorConsole construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('hosts the console in a private bucket behind one CloudFront distribution', () => {
    const template = templateOf((stack) => new OperatorConsole(stack, 'Console', props));
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/yvr-dev-console-deploy',
    });
  });

  it('refuses an empty sourceDir', () => {
    expect(() => new OperatorConsole(bareStack(), 'Console', { ...props, sourceDir: '' })).toThrow(
      'T/Console: prop "sourceDir" is required',
    );
  });

  it('refuses a log retention of 0 days', () => {
    expect(
      () => new OperatorConsole(bareStack(), 'Console', { ...props, logRetention: 0 as RetentionDays }),
    ).toThrow('T/Console: prop "logRetention" must be a RetentionDays value');
  });
});
