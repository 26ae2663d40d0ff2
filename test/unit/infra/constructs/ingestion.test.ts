import { describe, expect, it } from 'vitest';
import { Duration, type Stack } from 'aws-cdk-lib';
import { Api } from '../../../../infra/constructs/api';
import { Ingestion, type IngestionProps } from '../../../../infra/constructs/ingestion';
import { SOURCE_PATHS } from '../../../../infra/stack';
import { apiProps } from './app-parts';
import { SYNTH_TIMEOUT_MS, bareStack, templateOf } from './bare-stack';

/** Ingestion's props, from the API it notifies and the parts both share. */
function ingestionProps(stack: Stack): IngestionProps {
  const api = apiProps(stack);
  return {
    stage: 'dev',
    entry: SOURCE_PATHS.processorEntry,
    table: api.table,
    telemetry: api.telemetry,
    graphqlApi: new Api(stack, 'Api', api).graphqlApi,
    alertTopic: api.alertTopic,
    logRetention: api.logRetention,
  };
}

/** The processor's event source and input queue as the template has them. */
function expectFeeding(
  template: ReturnType<typeof templateOf>,
  expected: {
    batch: number;
    windowSeconds: number;
    concurrency: number;
    visibility: number;
    receives: number;
  },
): void {
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BatchSize: expected.batch,
    MaximumBatchingWindowInSeconds: expected.windowSeconds,
    ScalingConfig: { MaximumConcurrency: expected.concurrency },
  });
  template.hasResourceProperties('AWS::SQS::Queue', {
    QueueName: 'yvr-dev-calibration-input',
    VisibilityTimeout: expected.visibility,
    RedrivePolicy: { maxReceiveCount: expected.receives },
  });
}

describe('the Ingestion construct', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('feeds the processor from its input queue in batches of 100 within 5 s, redriving after 5 receives', () => {
    const template = templateOf((stack) => new Ingestion(stack, 'Ingestion', ingestionProps(stack)));
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'yvr-dev-calibration',
      Timeout: 60,
    });
    expectFeeding(template, { batch: 100, windowSeconds: 5, concurrency: 10, visibility: 360, receives: 5 });
  });

  it('takes its batching, timeout and redrive from its props', () => {
    const template = templateOf(
      (stack) =>
        new Ingestion(stack, 'Ingestion', {
          ...ingestionProps(stack),
          processorTimeout: Duration.seconds(30),
          batchSize: 50,
          batchingWindow: Duration.seconds(1),
          maxReceiveCount: 3,
          maxConcurrency: 4,
        }),
    );
    expectFeeding(template, { batch: 50, windowSeconds: 1, concurrency: 4, visibility: 180, receives: 3 });
  });

  it.each([
    ['batchSize', { batchSize: 0 }, 'must be a whole number from 1 to 10000'],
    ['maxConcurrency', { maxConcurrency: 1 }, 'must be a whole number from 2 to 1000'],
    ['maxReceiveCount', { maxReceiveCount: 0 }, 'must be a whole number from 1 to 1000'],
    ['processorTimeout', { processorTimeout: Duration.minutes(16) }, 'must be from 1 s to 900 s'],
    ['batchingWindow', { batchingWindow: Duration.minutes(6) }, 'must be from 0 s to 300 s'],
  ])('refuses an out-of-range %s', (prop, extra, problem) => {
    const stack = bareStack();
    expect(() => new Ingestion(stack, 'Ingestion', { ...ingestionProps(stack), ...extra })).toThrow(
      `T/Ingestion: prop "${prop}" ${problem}`,
    );
  });
});
