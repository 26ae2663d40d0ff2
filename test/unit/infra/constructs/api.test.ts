import { describe, expect, it } from 'vitest';
import { Duration } from 'aws-cdk-lib';
import { Api, type ApiProps } from '../../../../infra/constructs/api';
import { apiProps } from './app-parts';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

describe('the Api construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('builds the API Lambda, the GraphQL API and a 5-minute reconciliation schedule by default', () => {
    const template = templateOf((stack) => new Api(stack, 'Api', apiProps(stack)));
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'yvr-dev-api' });
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', { Name: 'yvr-dev-graphql' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('reconciles config delivery every reconcileEvery when given', () => {
    const template = templateOf(
      (stack) => new Api(stack, 'Api', { ...apiProps(stack), reconcileEvery: Duration.minutes(15) }),
    );
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
  });

  it('refuses a reconcileEvery under a minute (an EventBridge rate cannot be)', () => {
    const stack = bareStack();
    expect(() => new Api(stack, 'Api', { ...apiProps(stack), reconcileEvery: Duration.seconds(30) })).toThrow(
      'T/Api: prop "reconcileEvery" must be from 60 s',
    );
  });

  it.each(['table', 'alertTopic'] as const)('refuses a missing %s', (prop) => {
    const stack = bareStack();
    const props = { ...apiProps(stack), [prop]: undefined } as unknown as ApiProps;
    expect(() => new Api(stack, 'Api', props)).toThrow(`T/Api: prop "${prop}" is required.`);
  });

  it('refuses an empty iotEndpoint', () => {
    const stack = bareStack();
    expect(() => new Api(stack, 'Api', { ...apiProps(stack), iotEndpoint: ' ' })).toThrow(
      'T/Api: prop "iotEndpoint" is required',
    );
  });
});
