import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPolicy, CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { topicFilter } from '../../core/ingestion/topics';
import { devicePolicyTopics } from '../../core/ingestion/device-policy';
import { acknowledgeWildcardResources } from '../nag';
import { resourceName, underscoreName } from '../stage';
import { BundledFunction } from './bundled-function';
import type { Telemetry } from './telemetry';
import { StageConstruct, checkDuration, checkPresent, checkRetention, checkText, checkWhole } from './props';

export interface IngestionProps {
  readonly stage: string;
  /** Absolute path of the calibration processor entry (exports `handler`). */
  readonly entry: string;
  readonly table: ITable;
  readonly telemetry: Telemetry;
  /** The API the processor tells about acknowledgements (notifyDeviceConfigChanged, SigV4). */
  readonly graphqlApi: GraphqlApi;
  /** The stage's alert topic the processor publishes opened and resolved alerts to. */
  readonly alertTopic: ITopic;
  readonly logRetention: RetentionDays;
  /**
   * Processor timeout; the queue's visibility timeout is six times it, as AWS advises for SQS sources.
   * @default 60 seconds
   */
  readonly processorTimeout?: Duration;
  /**
   * Records per processor invocation (one Timestream WriteRecords call takes at most 100).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long the event source waits to fill a batch.
   * @default 5 seconds
   */
  readonly batchingWindow?: Duration;
  /**
   * Deliveries of a message before it moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Upper bound of concurrent processor invocations, which caps the write rate on Timestream and DynamoDB.
   * @default 10
   */
  readonly maxConcurrency?: number;
}

/**
 * What the processor does with the table: read devices and config versions by key, touch lastSeenAt,
 * record acks, keep rejected messages. No deletes, no indexes, no Scan.
 */
export const PROCESSOR_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;

/**
 * The IoT rules: what each MQTT topic filter feeds into which of the processor's queues (CONTRACT.md
 * section 2). Acks have their own queue so they never wait for the readings' batching window.
 */
export const TOPIC_RULES = [
  {
    suffix: 'readings',
    topicFilter: topicFilter('readings'),
    description: 'Device readings',
    queue: 'readings',
  },
  {
    suffix: 'legacy_readings',
    topicFilter: topicFilter('legacy-reading'),
    description: 'Legacy firmware readings',
    queue: 'readings',
  },
  {
    suffix: 'config_acks',
    topicFilter: topicFilter('ack'),
    description: 'Device config acknowledgements',
    queue: 'acks',
  },
] as const;

/**
 * Rule SQL: the payload travels base64-encoded (so that a message that is not
 * JSON still reaches the processor, which keeps it as rejected), with the topic
 * and the broker's receive time.
 */
export const ruleSql = (topicFilter: string): string =>
  `SELECT encode(*, 'base64') AS payload, topic() AS topic, timestamp() AS receivedAt FROM '${topicFilter}'`;

/**
 * Device messages into the calibration processor: IoT topic rules -> one SQS
 * queue (dead-letter queue behind it) -> the processor Lambda in batches with
 * partial batch failure, and the IoT policy that confines each device to its
 * own topics.
 */
export class Ingestion extends StageConstruct {
  /** Readings (new and legacy topics), batched with a window. */
  readonly queue: Queue;
  /** Config acknowledgements: no batching window, so APPLIED reaches the dashboard at once. */
  readonly ackQueue: Queue;
  /** Messages the processor failed `maxReceiveCount` times. */
  readonly deadLetterQueue: Queue;
  /** Messages the IoT rules could not deliver to `queue` (rule error action). */
  readonly ruleErrorQueue: Queue;
  readonly processor: IFunction;
  readonly processorLogGroup: LogGroup;
  readonly devicePolicyName: string;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id, props.stage);
    checkText(this, 'entry', props.entry);
    for (const prop of ['table', 'telemetry', 'graphqlApi', 'alertTopic'] as const)
      checkPresent(this, prop, props[prop]);
    checkRetention(this, 'logRetention', props.logRetention);
    // Lambda's and SQS's limits: a 15-minute timeout, batches of 10,000 with a 5-minute window,
    // 2 to 1,000 concurrent batches, and a redrive after 1 to 1,000 receives.
    checkDuration(this, 'processorTimeout', props.processorTimeout, { minSeconds: 1, maxSeconds: 900 });
    checkWhole(this, 'batchSize', props.batchSize, { min: 1, max: 10000 });
    checkDuration(this, 'batchingWindow', props.batchingWindow, { minSeconds: 0, maxSeconds: 300 });
    checkWhole(this, 'maxReceiveCount', props.maxReceiveCount, { min: 1, max: 1000 });
    checkWhole(this, 'maxConcurrency', props.maxConcurrency, { min: 2, max: 1000 });
    const { stage } = props;
    const timeout = props.processorTimeout ?? Duration.seconds(60);
    const maxReceiveCount = props.maxReceiveCount ?? 5;

    // ---- queues: encrypted, TLS only; the dead-letter ones keep 14 days, the processor's inputs 4
    // with a visibility of six processor timeouts (AWS's advice for Lambda event sources).
    const queue = (queueId: string, suffix: string, input: boolean): Queue =>
      new Queue(this, queueId, {
        queueName: resourceName(stage, suffix),
        retentionPeriod: Duration.days(input ? 4 : 14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        ...(input
          ? {
              visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
              deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
            }
          : {}),
      });
    this.deadLetterQueue = queue('DeadLetterQueue', 'calibration-dlq', false);
    this.queue = queue('Queue', 'calibration-input', true);
    this.ackQueue = queue('AckQueue', 'config-acks', true);
    this.ruleErrorQueue = queue('RuleErrorQueue', 'iot-rule-errors', false);
    Validations.of(this.ruleErrorQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the error action of the IoT rules, which keeps the ' +
        'original payload of every message a rule could not deliver to the input queue.',
    });

    // ---- the processor
    const fn = new BundledFunction(this, 'Processor', {
      functionName: resourceName(stage, 'calibration'),
      description:
        'Calibrates device readings from SQS into the telemetry store; records config acknowledgements',
      entry: props.entry,
      timeout,
      logRetention: props.logRetention,
      logRemovalPolicy: this.stageRemovalPolicy,
      environment: {
        TABLE_NAME: props.table.tableName,
        ...props.telemetry.environment(),
        APPSYNC_GRAPHQL_URL: props.graphqlApi.graphqlUrl,
        // The last delivery keeps a still-failing message as a rejected message with its reason.
        MAX_RECEIVE_COUNT: String(maxReceiveCount),
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        POWERTOOLS_SERVICE_NAME: 'calibration',
      },
    });
    this.processor = fn.function;
    this.processorLogGroup = fn.logGroup;

    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...PROCESSOR_TABLE_ACTIONS], resources: [props.table.tableArn] }),
    );
    for (const statement of props.telemetry.writeStatements()) fn.role.addToPrincipalPolicy(statement);
    props.telemetry.acknowledgeWriteWildcards(fn.role);
    props.graphqlApi.grantMutation(fn.role, 'notifyDeviceConfigChanged');
    props.graphqlApi.grantMutation(fn.role, 'notifyAlertChanged');
    props.alertTopic.grantPublish(fn.role);
    fn.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 100,
        maxBatchingWindow: props.batchingWindow ?? Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 10,
      }),
    );
    // Acks are few (one per config change per device) and a person waits for each: no window, small batches.
    fn.function.addEventSource(
      new SqsEventSource(this.ackQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );
    if (props.telemetry.store === 'timestream') {
      acknowledgeWildcardResources(
        fn.role,
        ['*'],
        'timestream:DescribeEndpoints has no resource type; IAM accepts only "*" for it.',
      );
    }

    // ---- IoT rules -> queue
    // Only this account's own topic rules of this stage may assume the role (confused-deputy guard).
    const ruleRole = new Role(this, 'RuleRole', {
      assumedBy: new ServicePrincipal('iot.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: {
          'aws:SourceArn': `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${underscoreName(stage, '*')}`,
        },
      }),
      description: 'Lets the IoT topic rules send device messages to the calibration queues',
    });
    this.queue.grantSendMessages(ruleRole);
    this.ackQueue.grantSendMessages(ruleRole);
    this.ruleErrorQueue.grantSendMessages(ruleRole);
    for (const rule of TOPIC_RULES) {
      const target = rule.queue === 'acks' ? this.ackQueue : this.queue;
      new CfnTopicRule(this, `Rule-${rule.suffix}`, {
        ruleName: underscoreName(stage, rule.suffix),
        topicRulePayload: {
          description: `${rule.description} (${rule.topicFilter}) into ${resourceName(stage, rule.queue === 'acks' ? 'config-acks' : 'calibration-input')}`,
          awsIotSqlVersion: '2016-03-23',
          sql: ruleSql(rule.topicFilter),
          ruleDisabled: false,
          actions: [{ sqs: { queueUrl: target.queueUrl, roleArn: ruleRole.roleArn, useBase64: false } }],
          errorAction: {
            sqs: { queueUrl: this.ruleErrorQueue.queueUrl, roleArn: ruleRole.roleArn, useBase64: false },
          },
        },
      });
    }

    // ---- what a device may do: its own client id, its own topics
    this.devicePolicyName = resourceName(stage, 'device');
    const thing = '${iot:Connection.Thing.ThingName}';
    const arn = (resource: 'client' | 'topic' | 'topicfilter', name: string): string =>
      `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}/${name}`;
    new CfnPolicy(this, 'DevicePolicy', {
      policyName: this.devicePolicyName,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iot:Connect',
            Resource: arn('client', thing),
            Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
          },
          {
            Effect: 'Allow',
            Action: 'iot:Publish',
            Resource: devicePolicyTopics('publish', thing).map((t) => arn('topic', t)),
          },
          {
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: devicePolicyTopics('subscribe', thing).map((t) => arn('topicfilter', t)),
          },
          {
            Effect: 'Allow',
            Action: 'iot:Receive',
            Resource: devicePolicyTopics('subscribe', thing).map((t) => arn('topic', t)),
          },
        ],
      },
    });
  }
}
