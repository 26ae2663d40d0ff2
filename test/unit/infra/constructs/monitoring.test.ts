import { describe, expect, it } from 'vitest';
import { Duration, type Stack } from 'aws-cdk-lib';
import { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Monitoring, type MonitoringProps } from '../../../../infra/constructs/monitoring';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

const arn = (service: string, rest: string) => `arn:aws:${service}:us-west-2:123456789012:${rest}`;

/** What Monitoring watches, imported by ARN: the construct is built without the others. */
function watched(stack: Stack): MonitoringProps {
  return {
    stage: 'dev',
    apiFunction: LambdaFunction.fromFunctionArn(stack, 'ApiFn', arn('lambda', 'function:yvr-dev-api')),
    processor: LambdaFunction.fromFunctionArn(stack, 'ProcFn', arn('lambda', 'function:yvr-dev-calibration')),
    graphqlApi: GraphqlApi.fromGraphqlApiAttributes(stack, 'Gql', { graphqlApiId: 'gql123' }),
    queue: Queue.fromQueueArn(stack, 'Q', arn('sqs', 'yvr-dev-calibration-input')),
    deadLetterQueue: Queue.fromQueueArn(stack, 'Dlq', arn('sqs', 'yvr-dev-calibration-dlq')),
    ruleErrorQueue: Queue.fromQueueArn(stack, 'Rq', arn('sqs', 'yvr-dev-iot-rule-errors')),
  };
}

describe('the Monitoring construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('raises six alarms to the alarm topic, the queue-age one at ten minutes, with no e-mail subscription', () => {
    const template = templateOf((stack) => new Monitoring(stack, 'Mon', watched(stack)));
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'yvr-dev-calibration-queue-age',
      Threshold: 600,
    });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'yvr-dev-alarms' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes alarmEmail and alarms on queue age at maxQueueAge when given', () => {
    const template = templateOf(
      (stack) =>
        new Monitoring(stack, 'Mon', {
          ...watched(stack),
          alarmEmail: 'ops@example.com',
          maxQueueAge: Duration.minutes(3),
        }),
    );
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'yvr-dev-calibration-queue-age',
      Threshold: 180,
    });
  });

  it('refuses an alarmEmail that is not an address', () => {
    const stack = bareStack();
    expect(() => new Monitoring(stack, 'Mon', { ...watched(stack), alarmEmail: 'ops' })).toThrow(
      'T/Mon: prop "alarmEmail" must be an e-mail address',
    );
  });

  it('refuses a maxQueueAge under a minute', () => {
    const stack = bareStack();
    expect(
      () => new Monitoring(stack, 'Mon', { ...watched(stack), maxQueueAge: Duration.seconds(5) }),
    ).toThrow('T/Mon: prop "maxQueueAge" must be from 60 s');
  });

  it('refuses a missing queue to watch', () => {
    const stack = bareStack();
    const props = { ...watched(stack), deadLetterQueue: undefined } as unknown as MonitoringProps;
    expect(() => new Monitoring(stack, 'Mon', props)).toThrow('T/Mon: prop "deadLetterQueue" is required.');
  });
});
