import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { build } from 'esbuild';
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../../core/shared/query-limits';
import { TABLE_INDEXES } from '../../../core/shared/table';
import { DEVICE_DIMENSION } from '../../../core/telemetry/timestream/layout';
import { DEFAULT_LIMITS } from '../../../local/server/limits';
import { USER_POOL_TOKEN_VALIDITY } from '../../../core/accounts/user-pool-settings';
import { API_TABLE_ACTIONS, COGNITO_ACTIONS } from '../../../infra/constructs/api';
import {
  buildStage,
  findOne,
  logicalIdOf,
  pseudoArn,
  repoRoot,
  resourcesOf,
  statementsOfFunction,
  statementsOfRole,
  type Built,
} from './build';

const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** The stage's dashboard app client (the user pool client the console signs in with). */
const dashboardClient = () =>
  findOne(stage.template, 'AWS::Cognito::UserPoolClient', 'ClientName', 'yvr-stage-dashboard')[1];

/** The logical id of the role the readings rule's first SQS action sends with (the rules share one role). */
const readingsRuleRoleId = (t: Built['template']): string => {
  const [, rule] = findOne(t, 'AWS::IoT::TopicRule', 'RuleName', 'yvr_stage_readings');
  const { Actions } = rule.Properties?.TopicRulePayload as {
    Actions: { Sqs: { RoleArn: { 'Fn::GetAtt': [string, string] } } }[];
  };
  return Actions[0]!.Sqs.RoleArn['Fn::GetAtt'][0];
};

/** DynamoDB command class -> the IAM action it needs (document client and low-level client names). */
const DYNAMO_ACTION: Record<string, string> = {
  GetCommand: 'GetItem',
  GetItemCommand: 'GetItem',
  PutCommand: 'PutItem',
  PutItemCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  UpdateItemCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  DeleteItemCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchGetItemCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  BatchWriteItemCommand: 'BatchWriteItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
};

/**
 * The DynamoDB actions the code reachable from `entry` can send: every command class it imports from
 * the DynamoDB clients and constructs. Read from the project's own files that the entry's bundle takes in.
 */
async function actionsSentBy(
  entry: string,
  client: RegExp,
  actionOf: (command: string) => string | undefined,
): Promise<Set<string>> {
  const result = await build({
    entryPoints: [`${repoRoot}${entry}`],
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    absWorkingDir: repoRoot,
  });
  const actions = new Set<string>();
  for (const file of Object.keys(result.metafile.inputs)) {
    const source = readFileSync(`${repoRoot}${file}`, 'utf8');
    for (const m of source.matchAll(
      new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${client.source}'`, 'g'),
    )) {
      for (const name of m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
        const action = actionOf(name);
        if (action && new RegExp(`new ${name}\\(`).test(source)) actions.add(action);
      }
    }
  }
  return actions;
}

/** Root fields of the schema, read with graphql-js rather than with the code under test. */
function schemaFields(typeName: string): string[] {
  const document = parse(readFileSync(`${repoRoot}schema.graphql`, 'utf8'));
  const type = document.definitions.find(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === typeName,
  );
  return (type?.fields ?? []).map((f) => f.name.value).sort();
}

interface Acknowledged {
  path: string;
  id: string;
  reason: unknown;
}

/** The logical id of the stage's alert topic. */
const alertTopicOf = (built: Built): string =>
  findOne(built.template, 'AWS::SNS::Topic', 'TopicName', 'yvr-stage-alerts')[0];

/** Both functions' Timestream writes (Telemetry.writeStatements): the table, and its magnetic-store reject reports. */
const timestreamWriteGrants = (t: Built['template']) => {
  const rejects = getAtt(logicalIdOf(t, 'AWS::S3::Bucket', 'MagneticRejects'));
  return [
    {
      Action: 'timestream:WriteRecords',
      Effect: 'Allow',
      Resource: pseudoArn('timestream', 'database/yvr-stage-db/table/calibrated_device_data'),
    },
    {
      Action: ['s3:PutObject', 's3:GetBucketAcl'],
      Effect: 'Allow',
      Resource: [rejects, { 'Fn::Join': ['', [rejects, '/magnetic-store-rejects/*']] }],
    },
  ];
};

/** The appsync:GraphQL grant of one backend mutation. */
const mutationGrant = (t: Built['template'], field: string) => ({
  Action: 'appsync:GraphQL',
  Effect: 'Allow',
  Resource: {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':appsync:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':apis/',
        getAtt(logicalIdOf(t, 'AWS::AppSync::GraphQLApi'), 'ApiId'),
        `/types/Mutation/fields/${field}`,
      ],
    ],
  },
});

/** Every acknowledgement recorded anywhere in the tree, with the construct it was made on. */
function acknowledgements(root: IConstruct): Acknowledged[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

let stage: Built;
let prod: Built;
/** One more stage built with context: the IoT endpoint given, an alarm email. */
let withContext: Built;

beforeAll(() => {
  // Template assertions do not need the bundles: both stages skip esbuild (synth.test.ts bundles once).
  stage = buildStage('stage', { bundle: false });
  prod = buildStage('prod', { bundle: false });
  withContext = buildStage('stage', {
    bundle: false,
    context: {
      iotEndpoint: 'abc-ats.iot.ca-central-1.amazonaws.com',
      alarmEmail: 'ops@example.com',
      memoryStoreRetentionHours: '48',
      magneticStoreRetentionDays: '400',
    },
  });
}, 120_000);

describe('resources of a stage', () => {
  it('creates one of each resource it is made of', () => {
    const counts: Record<string, number> = {
      'AWS::Cognito::UserPool': 1,
      'AWS::Cognito::UserPoolClient': 1,
      'AWS::Cognito::UserPoolGroup': 2,
      'AWS::DynamoDB::Table': 1,
      'AWS::Timestream::Database': 1,
      'AWS::Timestream::Table': 1,
      // the magnetic store's reject reports, the console's build and the readings exports
      'AWS::S3::Bucket': 3,
      'AWS::AppSync::GraphQLApi': 1,
      'AWS::AppSync::DataSource': 2,
      // readings input, acks input, the shared dead-letter queue, the rule error queue
      'AWS::SQS::Queue': 4,
      'AWS::Lambda::EventSourceMapping': 2,
      'AWS::IoT::TopicRule': 3,
      'AWS::IoT::Policy': 1,
      // alarms and alert notifications
      'AWS::SNS::Topic': 2,
      'AWS::CloudWatch::Alarm': 6,
      'AWS::Events::Rule': 1,
      // api, calibration, the deploy-time IoT endpoint lookup and the console's BucketDeployment
      'AWS::Lambda::Function': 4,
      'AWS::Logs::LogGroup': 5,
      'AWS::CloudFront::Distribution': 1,
    };
    for (const [type, count] of Object.entries(counts)) {
      expect(Object.keys(resourcesOf(stage.template, type)), type).toHaveLength(count);
    }
  });

  it('skips the endpoint lookup when the IoT endpoint is given as context', () => {
    const given = withContext;
    expect(Object.keys(resourcesOf(given.template, 'Custom::AWS'))).toHaveLength(0);
    expect(Object.keys(resourcesOf(given.template, 'AWS::Lambda::Function'))).toHaveLength(3); // api, calibration, the console's deployment
    const [, api] = findOne(given.template, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-api');
    expect(
      (api.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.IOT_DATA_ENDPOINT,
    ).toBe('abc-ats.iot.ca-central-1.amazonaws.com');
  });

  it('names every named resource yvr-<stage>-', () => {
    const nameProperties: Record<string, string> = {
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Cognito::UserPool': 'UserPoolName',
      'AWS::Cognito::UserPoolClient': 'ClientName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Timestream::Database': 'DatabaseName',
      'AWS::AppSync::GraphQLApi': 'Name',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::Events::Rule': 'Name',
      'AWS::IoT::Policy': 'PolicyName',
    };
    for (const built of [stage, prod]) {
      const prefix = `yvr-${built.stack.node.id.slice('yvr-'.length)}-`;
      for (const [type, property] of Object.entries(nameProperties)) {
        for (const [id, resource] of Object.entries(resourcesOf(built.template, type))) {
          if (resource.Properties?.[property] === undefined) continue; // CDK's own singleton names itself
          expect(resource.Properties[property], `${id}.${property}`).toMatch(new RegExp(`^${prefix}`));
        }
      }
      // IoT rule names allow no hyphen: the same prefix with underscores.
      for (const rule of Object.values(resourcesOf(built.template, 'AWS::IoT::TopicRule'))) {
        expect(rule.Properties?.RuleName).toMatch(new RegExp(`^${prefix.replace(/-/g, '_')}`));
      }
    }
    expect(stage.stack.stackName).toBe('yvr-stage');
    expect(prod.stack.stackName).toBe('yvr-prod');
  });

  it('names the functions, the Timestream database and table, and the user groups as CONTRACT.md says', () => {
    findOne(stage.template, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-api');
    findOne(stage.template, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-calibration');
    findOne(prod.template, 'AWS::Lambda::Function', 'FunctionName', 'yvr-prod-api');
    stage.template.hasResourceProperties('AWS::Timestream::Database', { DatabaseName: 'yvr-stage-db' });
    stage.template.hasResourceProperties('AWS::Timestream::Table', {
      DatabaseName: 'yvr-stage-db',
      TableName: 'calibrated_device_data',
    });
    const groups = Object.values(resourcesOf(stage.template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'user']);
  });
});

describe('functions', () => {
  it('runs both on arm64 and Node.js 22 with the Powertools environment', () => {
    for (const name of ['yvr-stage-api', 'yvr-stage-calibration']) {
      const [, fn] = findOne(stage.template, 'AWS::Lambda::Function', 'FunctionName', name);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('gives the API Lambda exactly the environment the API reads', () => {
    const [, fn] = findOne(stage.template, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-api');
    expect((fn.Properties?.Environment as { Variables: unknown }).Variables).toEqual({
      TABLE_NAME: { Ref: logicalIdOf(stage.template, 'AWS::DynamoDB::Table') },
      USER_POOL_ID: { Ref: logicalIdOf(stage.template, 'AWS::Cognito::UserPool') },
      IOT_DATA_ENDPOINT: getAtt(logicalIdOf(stage.template, 'Custom::AWS'), 'endpointAddress'),
      TELEMETRY_STORE: 'timestream',
      EXPORT_BUCKET: { Ref: logicalIdOf(stage.template, 'AWS::S3::Bucket', 'Exports') },
      TIMESTREAM_DATABASE: 'yvr-stage-db',
      TIMESTREAM_TABLE: 'calibrated_device_data',
      TIMESTREAM_MAGNETIC_RETENTION_DAYS: '30',
      ALERT_TOPIC_ARN: { Ref: alertTopicOf(stage) },
      APPSYNC_GRAPHQL_URL: getAtt(logicalIdOf(stage.template, 'AWS::AppSync::GraphQLApi'), 'GraphQLUrl'),
      POWERTOOLS_SERVICE_NAME: 'api',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('gives the processor exactly the environment it reads', () => {
    const [, fn] = findOne(stage.template, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-calibration');
    expect((fn.Properties?.Environment as { Variables: unknown }).Variables).toEqual({
      TABLE_NAME: { Ref: logicalIdOf(stage.template, 'AWS::DynamoDB::Table') },
      TELEMETRY_STORE: 'timestream',
      TIMESTREAM_DATABASE: 'yvr-stage-db',
      TIMESTREAM_TABLE: 'calibrated_device_data',
      APPSYNC_GRAPHQL_URL: getAtt(logicalIdOf(stage.template, 'AWS::AppSync::GraphQLApi'), 'GraphQLUrl'),
      TIMESTREAM_MAGNETIC_RETENTION_DAYS: '30',
      MAX_RECEIVE_COUNT: '5',
      ALERT_TOPIC_ARN: { Ref: alertTopicOf(stage) },
      POWERTOOLS_SERVICE_NAME: 'calibration',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('grants the API Lambda exactly its table, its pool, the config topics, Timestream Select and replay writes', () => {
    const t = stage.template;
    const table = getAtt(logicalIdOf(t, 'AWS::DynamoDB::Table'));
    const logGroup = Object.entries(resourcesOf(t, 'AWS::Logs::LogGroup')).find(
      ([, g]) => g.Properties?.LogGroupName === '/aws/lambda/yvr-stage-api',
    )![0];
    expect(statementsOfFunction(t, 'yvr-stage-api')).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: getAtt(logGroup) },
      {
        // Each one sent by the code: 'grants yvr-stage-api no DynamoDB action that its code cannot send'.
        Action: [...API_TABLE_ACTIONS],
        Effect: 'Allow',
        Resource: table,
      },
      { Action: 'dynamodb:Query', Effect: 'Allow', Resource: { 'Fn::Join': ['', [table, '/index/*']] } },
      {
        // The very calls core/accounts sends: see 'grants yvr-stage-api exactly the Cognito calls ...' below.
        Action: [...COGNITO_ACTIONS],
        Effect: 'Allow',
        Resource: getAtt(logicalIdOf(t, 'AWS::Cognito::UserPool')),
      },
      {
        Action: ['iot:Publish', 'iot:RetainPublish'],
        Effect: 'Allow',
        Resource: [
          pseudoArn('iot', 'topic/devices/*/config'),
          pseudoArn('iot', 'topic/*/config'),
          pseudoArn('iot', 'topic/*/config/sensor/*'),
        ],
      },
      {
        Action: ['timestream:Select', 'timestream:DescribeTable', 'timestream:ListMeasures'],
        Effect: 'Allow',
        Resource: pseudoArn('timestream', 'database/yvr-stage-db/table/calibrated_device_data'),
      },
      { Action: 'timestream:DescribeEndpoints', Effect: 'Allow', Resource: '*' },
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: alertTopicOf(stage) } },
      {
        Action: ['sns:Subscribe', 'sns:Unsubscribe'],
        Effect: 'Allow',
        Resource: { Ref: alertTopicOf(stage) },
      },
      ...timestreamWriteGrants(t),
      {
        Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [getAtt(logicalIdOf(t, 'AWS::S3::Bucket', 'Exports')), '/exports/*']] },
      },
      mutationGrant(t, 'notifyAlertChanged'),
    ]);
  });

  it('grants the processor exactly its table, Timestream writes, the one mutation and its two queues', () => {
    const t = stage.template;
    const logGroup = Object.entries(resourcesOf(t, 'AWS::Logs::LogGroup')).find(
      ([, g]) => g.Properties?.LogGroupName === '/aws/lambda/yvr-stage-calibration',
    )![0];
    const [queue] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-input');
    expect(statementsOfFunction(t, 'yvr-stage-calibration')).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: getAtt(logGroup) },
      {
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: getAtt(logicalIdOf(t, 'AWS::DynamoDB::Table')),
      },
      ...timestreamWriteGrants(t),
      { Action: 'timestream:DescribeEndpoints', Effect: 'Allow', Resource: '*' },
      mutationGrant(t, 'notifyDeviceConfigChanged'),
      mutationGrant(t, 'notifyAlertChanged'),
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: alertTopicOf(stage) } },
      // The event source's consumer actions, on each of its two queues.
      ...[queue, findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-config-acks')[0]].map((q) => ({
        Action: [
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueUrl',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
        ],
        Effect: 'Allow',
        Resource: getAtt(q),
      })),
    ]);
  });

  it('keeps logs of every function, with a retention, in a log group the stack owns', () => {
    const groups = resourcesOf(stage.template, 'AWS::Logs::LogGroup');
    for (const [id, fn] of Object.entries(resourcesOf(stage.template, 'AWS::Lambda::Function'))) {
      const ref = (fn.Properties?.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup?.Ref;
      expect(ref, `${id} has its own log group`).toBeDefined();
      expect(groups[ref!]?.Properties?.RetentionInDays, id).toBe(14);
    }
    for (const group of Object.values(resourcesOf(prod.template, 'AWS::Logs::LogGroup'))) {
      expect(group.Properties?.RetentionInDays).toBe(90);
    }
  });

  it('runs the config reconciliation every 5 minutes with its action as input', () => {
    const [, rule] = findOne(stage.template, 'AWS::Events::Rule', 'Name', 'yvr-stage-reconcile-config');
    expect(rule.Properties?.ScheduleExpression).toBe('rate(5 minutes)');
    const [target] = rule.Properties?.Targets as { Arn: unknown; Input: string }[];
    expect(target!.Arn).toEqual(
      getAtt(findOne(stage.template, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-api')[0]),
    );
    expect(JSON.parse(target!.Input)).toEqual({ action: 'reconcileConfigDelivery' });
  });
});

describe('ingestion', () => {
  const rules = [
    ['yvr_stage_readings', 'devices/+/readings', 'yvr-stage-calibration-input'],
    ['yvr_stage_legacy_readings', '+/reading/sensor/+', 'yvr-stage-calibration-input'],
    ['yvr_stage_config_acks', 'devices/+/config/ack', 'yvr-stage-config-acks'],
  ] as const;

  it.each(rules)('rule %s sends %s to %s with topic and receive time', (ruleName, filter, queueName) => {
    const t = stage.template;
    const [, rule] = findOne(t, 'AWS::IoT::TopicRule', 'RuleName', ruleName);
    const [queue] = findOne(t, 'AWS::SQS::Queue', 'QueueName', queueName);
    const [errors] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-iot-rule-errors');
    const payload = rule.Properties?.TopicRulePayload as Record<string, unknown>;
    expect(payload.Sql).toBe(
      `SELECT encode(*, 'base64') AS payload, topic() AS topic, timestamp() AS receivedAt FROM '${filter}'`,
    );
    expect(payload.AwsIotSqlVersion).toBe('2016-03-23');
    expect(payload.RuleDisabled).toBe(false);
    expect(payload.Actions).toEqual([
      { Sqs: { QueueUrl: { Ref: queue }, RoleArn: expect.anything(), UseBase64: false } },
    ]);
    expect(payload.ErrorAction).toEqual({
      Sqs: { QueueUrl: { Ref: errors }, RoleArn: expect.anything(), UseBase64: false },
    });
  });

  it('lets the rules send to the three queues and nothing else', () => {
    const t = stage.template;
    const roleId = readingsRuleRoleId(t);
    const [queue] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-input');
    const [acks] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-config-acks');
    const [errors] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-iot-rule-errors');
    const send = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
    expect(statementsOfRole(t, roleId)).toEqual([
      { Action: send, Effect: 'Allow', Resource: getAtt(queue) },
      { Action: send, Effect: 'Allow', Resource: getAtt(acks) },
      { Action: send, Effect: 'Allow', Resource: getAtt(errors) },
    ]);
  });

  it('feeds the processor in batches of 100 with a 5 s window and partial batch failure', () => {
    const t = stage.template;
    const [queue] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-input');
    const [fn] = findOne(t, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-calibration');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(queue),
      FunctionName: { Ref: fn },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('feeds acks to the processor on their own queue with no batching window, redriven to the same DLQ', () => {
    const t = stage.template;
    const [acks, ackQueue] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-config-acks');
    const [dlq] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-dlq');
    const [fn, processor] = findOne(t, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-calibration');
    const mappings = Object.values(resourcesOf(t, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify(getAtt(acks)),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      FunctionName: { Ref: fn },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // No window: a batch goes as soon as an ack is there (the readings' 5 s would delay APPLIED by up to 5 s).
    expect(mappings[0]!.Properties?.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
    expect(ackQueue.Properties?.RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(dlq),
      maxReceiveCount: 5,
    });
    expect(ackQueue.Properties?.VisibilityTimeout).toBe(6 * (processor.Properties?.Timeout as number));
  });

  it('redrives to a dead-letter queue after 5 receives, with visibility 6x the function timeout', () => {
    const t = stage.template;
    const [, fn] = findOne(t, 'AWS::Lambda::Function', 'FunctionName', 'yvr-stage-calibration');
    const [dlq] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-dlq');
    const [, queue] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-input');
    expect(queue.Properties?.VisibilityTimeout).toBe(6 * (fn.Properties?.Timeout as number));
    expect(queue.Properties?.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt(dlq), maxReceiveCount: 5 });
    for (const q of Object.values(resourcesOf(t, 'AWS::SQS::Queue'))) {
      expect(q.Properties?.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('confines a device to its own client id and topics, new and legacy', () => {
    const [, policy] = findOne(stage.template, 'AWS::IoT::Policy', 'PolicyName', 'yvr-stage-device');
    const thing = '${iot:Connection.Thing.ThingName}';
    const arn = (rest: string) => pseudoArn('iot', rest);
    // The config topics, new and legacy, as topics (to receive) or topic filters (to subscribe).
    const configTopics = (kind: 'topic' | 'topicfilter') => [
      arn(`${kind}/devices/${thing}/config`),
      arn(`${kind}/${thing}/config`),
      arn(`${kind}/${thing}/config/sensor/*`),
    ];
    expect(policy.Properties?.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: arn(`client/${thing}`),
          Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
        },
        {
          Effect: 'Allow',
          Action: 'iot:Publish',
          Resource: [
            arn(`topic/devices/${thing}/readings`),
            arn(`topic/devices/${thing}/config/ack`),
            arn(`topic/${thing}/reading/sensor/*`),
          ],
        },
        {
          Effect: 'Allow',
          Action: 'iot:Subscribe',
          Resource: configTopics('topicfilter'),
        },
        {
          Effect: 'Allow',
          Action: 'iot:Receive',
          Resource: configTopics('topic'),
        },
      ],
    });
  });
});

describe('GraphQL API', () => {
  it('authorizes with the user pool by default and IAM in addition', () => {
    stage.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      Name: 'yvr-stage-graphql',
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      UserPoolConfig: { UserPoolId: { Ref: logicalIdOf(stage.template, 'AWS::Cognito::UserPool') } },
      XrayEnabled: true,
      LogConfig: {
        FieldLogLevel: 'ERROR',
        ExcludeVerboseContent: true,
        CloudWatchLogsRoleArn: Match.anyValue(),
      },
    });
  });

  it('attaches the Lambda resolver to every Query and Mutation field of the schema', () => {
    const resolvers = Object.values(resourcesOf(stage.template, 'AWS::AppSync::Resolver'));
    for (const typeName of ['Query', 'Mutation']) {
      const attached = resolvers
        .filter((r) => r.Properties?.TypeName === typeName)
        .map((r) => {
          expect(r.Properties).toMatchObject({
            DataSourceName: 'yvr_stage_api_lambda',
            Kind: 'UNIT',
            Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' },
          });
          return r.Properties?.FieldName;
        });
      expect(attached.sort(), typeName).toEqual(schemaFields(typeName));
    }
  });

  it('resolves the subscriptions on a NONE data source with their own code', () => {
    const subs = Object.values(resourcesOf(stage.template, 'AWS::AppSync::Resolver')).filter(
      (r) => r.Properties?.TypeName === 'Subscription',
    );
    expect(subs.map((s) => s.Properties?.FieldName).sort()).toEqual([
      'onAlertChanged',
      'onDeviceConfigChanged',
    ]);
    for (const sub of subs) expect(sub.Properties).toMatchObject({ DataSourceName: 'yvr_stage_none' });
    stage.template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'yvr_stage_none',
      Type: 'NONE',
    });
    stage.template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'yvr_stage_api_lambda',
      Type: 'AWS_LAMBDA',
    });
  });
});

describe('data and users', () => {
  it('builds the table from core/shared/table.ts: on demand, PITR, both indexes', () => {
    stage.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'yvr-stage-data',
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    const [, table] = findOne(stage.template, 'AWS::DynamoDB::Table', 'TableName', 'yvr-stage-data');
    const indexes = table.Properties?.GlobalSecondaryIndexes as {
      IndexName: string;
      KeySchema: unknown;
      Projection: unknown;
    }[];
    expect(indexes.map((i) => i.IndexName)).toEqual(TABLE_INDEXES.map((i) => i.indexName));
    for (const index of TABLE_INDEXES) {
      expect(indexes.find((i) => i.IndexName === index.indexName)).toMatchObject({
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
    }
  });

  it('signs in by email with the old password policy, optional TOTP MFA and no self sign-up', () => {
    stage.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'yvr-stage-users',
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          RequireUppercase: true,
        },
      },
    });
  });

  it('gives the dashboard a client without a secret, with USER_PASSWORD_AUTH and SRP and no OAuth', () => {
    const client = dashboardClient();
    expect(client.Properties).toMatchObject({ GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
    expect(client.Properties?.ExplicitAuthFlows).toEqual([
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ]);
    expect(client.Properties?.AllowedOAuthFlows).toBeUndefined();
  });

  it('sets the token lifetimes that the local Cognito front also issues (one definition in core)', () => {
    const client = dashboardClient();
    expect(client.Properties).toMatchObject({
      IdTokenValidity: USER_POOL_TOKEN_VALIDITY.idTokenMinutes,
      AccessTokenValidity: USER_POOL_TOKEN_VALIDITY.accessTokenMinutes,
      RefreshTokenValidity: USER_POOL_TOKEN_VALIDITY.refreshTokenDays * 24 * 60,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
  });

  it('keeps a day in the memory store (or what context says) and accepts late writes into the magnetic store', () => {
    stage.template.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '24',
        MagneticStoreRetentionPeriodInDays: '30',
      },
      MagneticStoreWriteProperties: {
        EnableMagneticStoreWrites: true,
        MagneticStoreRejectedDataLocation: {
          S3Configuration: {
            BucketName: { Ref: logicalIdOf(stage.template, 'AWS::S3::Bucket', 'MagneticRejects') },
            EncryptionOption: 'SSE_S3',
            ObjectKeyPrefix: 'magnetic-store-rejects/',
          },
        },
      },
    });
    withContext.template.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '48',
        MagneticStoreRetentionPeriodInDays: '400',
      },
    });
    const [, processor] = findOne(
      withContext.template,
      'AWS::Lambda::Function',
      'FunctionName',
      'yvr-stage-calibration',
    );
    expect(
      (processor.Properties?.Environment as { Variables: Record<string, unknown> }).Variables
        .TIMESTREAM_MAGNETIC_RETENTION_DAYS,
    ).toBe('400');
    prod.template.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '24',
        MagneticStoreRetentionPeriodInDays: '3650',
      },
    });
  });
});

describe('permissions and limits the first real request meets', () => {
  it("trusts only this account and stage's own topic rules with the rule role", () => {
    const t = stage.template;
    const roleId = readingsRuleRoleId(t);
    const role = resourcesOf(t, 'AWS::IAM::Role')[roleId]!;
    expect((role.Properties?.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'iot.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': pseudoArn('iot', 'rule/yvr_stage_*') },
        },
      },
    ]);
  });

  it("sets AppSync's query depth and resolver count to the local server's limits", () => {
    stage.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      QueryDepthLimit: DEFAULT_LIMITS.maxDepth,
      ResolverCountLimit: DEFAULT_LIMITS.maxRootFields,
    });
    expect(DEFAULT_LIMITS).toBe(QUERY_LIMITS);
  });

  it('partitions the Timestream table by the device dimension, required in every record', () => {
    stage.template.hasResourceProperties('AWS::Timestream::Table', {
      Schema: {
        CompositePartitionKey: [
          { Type: 'DIMENSION', Name: DEVICE_DIMENSION, EnforcementInRecord: 'REQUIRED' },
        ],
      },
    });
  });

  it.each([
    ['yvr-stage-api', 'resolvers/api/handler.ts'],
    ['yvr-stage-calibration', 'processors/calibration/handler.ts'],
  ])('grants %s no DynamoDB action that its code cannot send', async (name, entry) => {
    const granted = statementsOfFunction(stage.template, name)
      .flatMap((st) => [(st as { Action: string | string[] }).Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
    const sent = await actionsSentBy(entry, /@aws-sdk\/(?:lib|client)-dynamodb/, (command) =>
      DYNAMO_ACTION[command] ? `dynamodb:${DYNAMO_ACTION[command]}` : undefined,
    );
    expect(granted.filter((a) => !sent.has(a))).toEqual([]);
  });

  it('grants yvr-stage-api exactly the Cognito calls its code sends', async () => {
    const granted = statementsOfFunction(stage.template, 'yvr-stage-api')
      .flatMap((st) => [(st as { Action: string | string[] }).Action].flat())
      .filter((a) => a.startsWith('cognito-idp:'));
    const sent = await actionsSentBy(
      'resolvers/api/handler.ts',
      /@aws-sdk\/client-cognito-identity-provider/,
      (command) =>
        command.endsWith('Command') ? `cognito-idp:${command.replace(/Command$/, '')}` : undefined,
    );
    expect(sent.size).toBeGreaterThan(0);
    expect([...granted].sort()).toEqual([...sent].sort());
  });
});

describe('magnetic-store reject reports', () => {
  it('keeps them in a private, encrypted, TLS-only bucket that expires them', () => {
    stage.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    const [, policy] = Object.entries(resourcesOf(stage.template, 'AWS::S3::BucketPolicy'))[0]!;
    expect(JSON.stringify(policy)).toContain('aws:SecureTransport');
  });
});

describe('removal policies per stage', () => {
  const stateful = [
    'AWS::Cognito::UserPool',
    'AWS::DynamoDB::Table',
    'AWS::Timestream::Database',
    'AWS::Timestream::Table',
  ];

  it('deletes a non-production stage completely', () => {
    for (const type of stateful) {
      for (const [id, r] of Object.entries(resourcesOf(stage.template, type))) {
        expect([id, r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual([id, 'Delete', 'Delete']);
      }
    }
    stage.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    stage.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'INACTIVE' });
  });

  it('retains and deletion-protects production data, users and logs', () => {
    for (const type of [...stateful, 'AWS::Logs::LogGroup']) {
      for (const [id, r] of Object.entries(resourcesOf(prod.template, type))) {
        if (id.startsWith('DeviceEndpointLookupLogs')) continue; // logs of a one-off deploy-time lookup
        expect([id, r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
      }
    }
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'yvr-prod-data',
      DeletionProtectionEnabled: true,
    });
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });
});

describe('monitoring', () => {
  it('alarms to one topic on both dead-letter queues, errors, queue age and AppSync 5xx', () => {
    const t = stage.template;
    const [alarmTopic] = findOne(t, 'AWS::SNS::Topic', 'TopicName', 'yvr-stage-alarms');
    const topic = { Ref: alarmTopic };
    const alarms = Object.values(resourcesOf(t, 'AWS::CloudWatch::Alarm'));
    const byName = Object.fromEntries(alarms.map((a) => [a.Properties?.AlarmName as string, a.Properties!]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        'yvr-stage-api-errors',
        'yvr-stage-appsync-5xx',
        'yvr-stage-calibration-dlq-depth',
        'yvr-stage-calibration-errors',
        'yvr-stage-calibration-queue-age',
        'yvr-stage-iot-rule-errors-depth',
      ].sort(),
    );
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toEqual([topic]);
    const [dlq] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-dlq');
    const [ruleErrors] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-iot-rule-errors');
    const [input] = findOne(t, 'AWS::SQS::Queue', 'QueueName', 'yvr-stage-calibration-input');
    expect(byName['yvr-stage-calibration-dlq-depth']).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(dlq, 'QueueName') }],
      Threshold: 1,
    });
    expect(byName['yvr-stage-iot-rule-errors-depth']).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: getAtt(ruleErrors, 'QueueName') }],
    });
    expect(byName['yvr-stage-calibration-queue-age']).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(input, 'QueueName') }],
      Threshold: 600,
    });
    expect(byName['yvr-stage-appsync-5xx']).toMatchObject({
      Namespace: 'AWS/AppSync',
      MetricName: '5XXError',
    });
    expect(byName['yvr-stage-calibration-errors']).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
    });
  });

  it('subscribes the alarm email given as context', () => {
    withContext.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    stage.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('outputs', () => {
  it('carries the names local mode writes to .local/outputs.json', () => {
    const outputs = stage.template.findOutputs('*');
    for (const name of [
      'GraphQLUrl',
      'RealtimeUrl',
      'UserPoolId',
      'UserPoolClientId',
      'Region',
      'IotEndpoint',
      'CognitoEndpoint',
      'MqttUrl',
    ]) {
      expect(outputs[name], name).toBeDefined();
    }
    const api = logicalIdOf(stage.template, 'AWS::AppSync::GraphQLApi');
    expect(outputs.GraphQLUrl!.Value).toEqual(getAtt(api, 'GraphQLUrl'));
    expect(outputs.RealtimeUrl!.Value).toEqual(getAtt(api, 'RealtimeUrl'));
    expect(outputs.Region!.Value).toEqual({ Ref: 'AWS::Region' });
    expect(outputs.UserPoolId!.Value).toEqual({ Ref: logicalIdOf(stage.template, 'AWS::Cognito::UserPool') });
  });
});

describe.each(['stage', 'prod'])('cdk-nag AwsSolutions on %s', (stageName) => {
  it('reports no unacknowledged finding', () => {
    const { app } = stageName === 'prod' ? prod : stage;
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement a written reason', () => {
    const { app } = stageName === 'prod' ? prod : stage;
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(typeof ack.reason, `${ack.id} at ${ack.path}`).toBe('string');
      expect((ack.reason as string).length, `${ack.id} at ${ack.path}`).toBeGreaterThan(40);
    }
  });

  it('acknowledges only the findings listed in infra/README.md', () => {
    const ids = [
      ...new Set(
        acknowledgements((stageName === 'prod' ? prod : stage).app).map((a) => a.id.replace(/\[.*$/, '')),
      ),
    ].sort();
    expect(ids).toEqual(
      [
        'AwsSolutions-ASC3',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
        'AwsSolutions-COG2',
        'AwsSolutions-COG8',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-L1',
        'AwsSolutions-S1',
        'AwsSolutions-SNS2',
        'AwsSolutions-SQS3',
        'AwsSolutions-TS3',
        'CloudFormation-Validate::W3697',
      ].sort(),
    );
  });

  it('leaves no error or warning annotation on the stack', () => {
    const annotations = Annotations.fromStack((stageName === 'prod' ? prod : stage).stack);
    const messages = [
      ...annotations.findError('*', Match.anyValue()),
      ...annotations.findWarning('*', Match.anyValue()),
    ].map((m) => `${m.id}: ${JSON.stringify(m.entry.data)}`);
    expect(messages).toEqual([]);
  });
});
