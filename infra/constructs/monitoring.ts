import { Duration, Validations } from 'aws-cdk-lib';
import type { IGraphqlApi } from 'aws-cdk-lib/aws-appsync';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { resourceName } from '../stage';
import { InvalidConstructPropsError, StageConstruct, checkDuration, checkPresent } from './props';

export interface MonitoringProps {
  readonly stage: string;
  readonly apiFunction: IFunction;
  readonly processor: IFunction;
  readonly graphqlApi: IGraphqlApi;
  /** The processor's input queue. */
  readonly queue: IQueue;
  /** Messages the processor gave up on. */
  readonly deadLetterQueue: IQueue;
  /** Messages the IoT rules could not deliver. */
  readonly ruleErrorQueue: IQueue;
  /**
   * Email address subscribed to the alarm topic (context `alarmEmail`).
   * @default no subscription: subscribe to the topic yourself
   */
  readonly alarmEmail?: string;
  /**
   * Age of the oldest queued message that means the processor has fallen behind.
   * @default 10 minutes
   */
  readonly maxQueueAge?: Duration;
}

/**
 * Alarms that say a person should look: anything in a dead-letter queue, a
 * processor or API function error, a queue that is not draining, AppSync 5xx.
 * All go to one SNS topic.
 */
export class Monitoring extends StageConstruct {
  readonly alarmTopic: ITopic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id, props.stage);
    for (const prop of [
      'apiFunction',
      'processor',
      'graphqlApi',
      'queue',
      'deadLetterQueue',
      'ruleErrorQueue',
    ] as const) {
      checkPresent(this, prop, props[prop]);
    }
    checkDuration(this, 'maxQueueAge', props.maxQueueAge, { minSeconds: 60, maxSeconds: 14 * 86400 });
    if (props.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
      throw new InvalidConstructPropsError(
        this,
        'alarmEmail',
        `must be an e-mail address; got "${props.alarmEmail}".`,
      );
    }
    const { stage } = props;

    const topic = new Topic(this, 'AlarmTopic', {
      topicName: resourceName(stage, 'alarms'),
      displayName: `YVR water quality (${stage}) alarms`,
      enforceSSL: true,
    });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names and states. CloudWatch cannot publish to a topic ' +
        'encrypted with the AWS-managed SNS key, and a customer-managed key for this alone is not worth its cost.',
    });
    if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.alarmTopic = topic;

    const period = Duration.minutes(5);
    const maximum = { period, statistic: 'Maximum' };
    const sum = { period, statistic: 'Sum' };
    // Each alarm: its name, what it means, its metric and the threshold it fires at (or above).
    const alarms: [string, string, IMetric, number][] = [
      [
        'calibration-dlq-depth',
        'Messages the calibration processor failed repeatedly are waiting in its dead-letter queue.',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
        1,
      ],
      [
        'iot-rule-errors-depth',
        'IoT rules could not deliver device messages to the input queue; they wait in the rule error queue.',
        props.ruleErrorQueue.metricApproximateNumberOfMessagesVisible(maximum),
        1,
      ],
      [
        'calibration-errors',
        'The calibration processor failed whole invocations (crash or timeout).',
        props.processor.metricErrors(sum),
        1,
      ],
      [
        'calibration-queue-age',
        'The oldest message in the calibration input queue is old: the processor is falling behind or failing.',
        props.queue.metricApproximateAgeOfOldestMessage(maximum),
        (props.maxQueueAge ?? Duration.minutes(10)).toSeconds(),
      ],
      [
        'api-errors',
        'The API Lambda failed invocations (crash or timeout); typed errors are answers, not failures.',
        props.apiFunction.metricErrors(sum),
        1,
      ],
      [
        'appsync-5xx',
        'AppSync answered with server errors.',
        new Metric({
          namespace: 'AWS/AppSync',
          metricName: '5XXError',
          dimensionsMap: { GraphQLAPIId: props.graphqlApi.apiId },
          ...sum,
        }),
        1,
      ],
    ];
    for (const [name, description, metric, threshold] of alarms) {
      const alarm = new Alarm(this, name, {
        alarmName: resourceName(stage, name),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
      this.alarms.push(alarm);
    }
  }
}
