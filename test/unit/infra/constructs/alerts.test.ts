import { describe, expect, it } from 'vitest';
import { Alerts } from '../../../../infra/constructs/alerts';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

describe('the Alerts construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('creates the alert topic yvr-<stage>-alerts under the AWS-managed key', () => {
    const template = templateOf((stack) => new Alerts(stack, 'Alerts', { stage: 'dev' }));
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'yvr-dev-alerts' });
    expect(JSON.stringify(template.findResources('AWS::SNS::Topic'))).toContain('alias/aws/sns');
  });

  it('refuses a missing stage, naming the construct and the prop', () => {
    expect(() => new Alerts(bareStack(), 'Alerts', { stage: undefined as unknown as string })).toThrow(
      'T/Alerts: prop "stage" is required',
    );
  });
});
