import { readFileSync } from 'node:fs';
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type { CfnGraphQLApi } from 'aws-cdk-lib/aws-appsync';
import {
  AuthorizationType,
  Code,
  Definition,
  FieldLogLevel,
  FunctionRuntime,
  GraphqlApi,
  Resolver,
} from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { QUERY_LIMITS } from '../../core/shared/query-limits';
import { acknowledgeWildcardResources, nagRef } from '../nag';
import { resourceName, underscoreName } from '../stage';
import { TELEMETRY_ENV } from '../../core/telemetry/config';
import { BundledFunction } from './bundled-function';
import { EXPORT_PREFIX } from './exports';
import type { Exports } from './exports';
import type { Telemetry } from './telemetry';
import { CONFIG_TOPIC_WILDCARDS } from '../../core/ingestion/topics';
import { StageConstruct, checkDuration, checkPresent, checkRetention, checkText } from './props';

export interface ApiProps {
  readonly stage: string;
  /** Absolute path of schema.graphql. */
  readonly schemaPath: string;
  /** Absolute path of the API Lambda entry (exports `handler`). */
  readonly entry: string;
  /** Absolute path of the folder with the APPSYNC_JS resolver code. */
  readonly resolversPath: string;
  readonly table: ITable;
  readonly userPool: IUserPool;
  readonly telemetry: Telemetry;
  /** The readings export bucket (exportReadings). */
  readonly exports: Exports;
  /** The account's iot:Data-ATS endpoint host (often a deploy-time token). */
  readonly iotEndpoint: string;
  readonly logRetention: RetentionDays;
  /** The stage's alert topic: notifications, and the subscriptions the profiles keep. */
  readonly alertTopic: ITopic;
  /**
   * X-Ray tracing of AppSync requests (the resolver and Lambda data-source latency).
   * @default true
   */
  readonly appsyncTracing?: boolean;
  /**
   * Powertools log level of the API Lambda.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * How often the undelivered-config reconciliation runs.
   * @default 5 minutes
   */
  readonly reconcileEvery?: Duration;
}

/** The Cognito admin calls the accounts area makes (CONTRACT.md section 1), on the one pool. */
export const COGNITO_ACTIONS = [
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminUpdateUserAttributes',
  // Deleting or disabling an account signs it out everywhere first.
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
] as const;

/** What the API does with its table: items by key, queries, batch deletes (no Scan, no transactions). */
export const API_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** Topics the API publishes retained config on (CONTRACT.md section 2), as IoT topic ARN patterns. */
export const CONFIG_TOPIC_PATTERNS = CONFIG_TOPIC_WILDCARDS;

/** An IoT topic ARN in this stack's account and region (pseudo parameters, so the template is environment-agnostic). */
export const topicArn = (topic: string): string =>
  `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:topic/${topic}`;

/** Names of the root fields of `typeName` in the schema: every one gets the Lambda resolver. */
export function rootFields(schemaSource: string, typeName: 'Query' | 'Mutation' | 'Subscription'): string[] {
  const document = parse(schemaSource);
  return document.definitions
    .filter(
      (d): d is ObjectTypeDefinitionNode =>
        d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === typeName,
    )
    .flatMap((d) => (d.fields ?? []).map((f) => f.name.value));
}

/**
 * The GraphQL API: AppSync from schema.graphql (Cognito user pools by default,
 * IAM for the backend), one APPSYNC_JS resolver that invokes the API Lambda on
 * every Query and Mutation field, the filtered subscription on a NONE data
 * source, and the schedule that re-sends undelivered device config.
 */
export class Api extends StageConstruct {
  readonly graphqlApi: GraphqlApi;
  readonly function: IFunction;
  readonly functionLogGroup: LogGroup;
  readonly graphqlUrl: string;
  readonly realtimeUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id, props.stage);
    for (const prop of ['schemaPath', 'entry', 'resolversPath', 'iotEndpoint'] as const)
      checkText(this, prop, props[prop]);
    for (const prop of ['table', 'userPool', 'telemetry', 'exports', 'alertTopic'] as const)
      checkPresent(this, prop, props[prop]);
    checkRetention(this, 'logRetention', props.logRetention);
    // An EventBridge rate is at least a minute.
    checkDuration(this, 'reconcileEvery', props.reconcileEvery, { minSeconds: 60, maxSeconds: 86400 });
    const { stage } = props;
    const logRemovalPolicy = this.stageRemovalPolicy;

    // ---- the Lambda
    const fn = new BundledFunction(this, 'Handler', {
      functionName: resourceName(stage, 'api'),
      description: 'GraphQL API: devices, users, accounts, readings',
      entry: props.entry,
      // exportReadings streams up to a year of readings into S3 inside AppSync's 30 s resolver limit.
      timeout: Duration.seconds(29),
      logRetention: props.logRetention,
      logRemovalPolicy,
      environment: {
        TABLE_NAME: props.table.tableName,
        USER_POOL_ID: props.userPool.userPoolId,
        IOT_DATA_ENDPOINT: props.iotEndpoint,
        ...props.telemetry.environment(),
        [TELEMETRY_ENV.exportBucket]: props.exports.bucket.bucketName,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        POWERTOOLS_SERVICE_NAME: 'api',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
    });
    this.function = fn.function;
    this.functionLogGroup = fn.logGroup;

    // Explicit actions instead of grantReadWriteData: no Scan (CONTRACT.md: never a table scan), no
    // streams, no transactions; only Query reaches the indexes.
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...API_TABLE_ACTIONS], resources: [props.table.tableArn] }),
    );
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.table.tableArn}/index/*`] }),
    );
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...COGNITO_ACTIONS], resources: [props.userPool.userPoolArn] }),
    );
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iot:Publish', 'iot:RetainPublish'],
        resources: CONFIG_TOPIC_PATTERNS.map(topicArn),
      }),
    );
    for (const statement of props.telemetry.queryStatements()) fn.role.addToPrincipalPolicy(statement);
    // Alert notifications (acknowledgements, silence) and the profiles' subscriptions to the topic.
    props.alertTopic.grantPublish(fn.role);
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sns:Subscribe', 'sns:Unsubscribe'],
        resources: [props.alertTopic.topicArn],
      }),
    );
    // replayRejectedMessage re-runs a reading through the pipeline, which writes it.
    for (const statement of props.telemetry.replayStatements()) fn.role.addToPrincipalPolicy(statement);
    props.telemetry.acknowledgeWriteWildcards(fn.role);
    for (const statement of props.exports.writeStatements()) fn.role.addToPrincipalPolicy(statement);

    acknowledgeWildcardResources(
      fn.role,
      [`${nagRef(props.table)}/index/*`],
      "dynamodb:Query on the table's own indexes (gsi1, gsi2), which the paginated listings query.",
    );
    acknowledgeWildcardResources(
      fn.role,
      CONFIG_TOPIC_PATTERNS.map(
        (topic) => `arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/${topic}`,
      ),
      'Retained config topics of every device: device ids are created at run time through the API, ' +
        'so the topic ARNs can only name them with a wildcard; nothing but config topics matches.',
    );
    if (props.telemetry.store === 'timestream') {
      acknowledgeWildcardResources(
        fn.role,
        ['*'],
        'timestream:DescribeEndpoints has no resource type; IAM accepts only "*" for it.',
      );
    }
    acknowledgeWildcardResources(
      fn.role,
      [`${nagRef(props.exports.bucket)}/${EXPORT_PREFIX}*`],
      'Export files are created at run time under the export prefix with random names; the grant covers ' +
        'that prefix of the one private export bucket only.',
    );

    // ---- the AppSync API
    const schemaSource = readFileSync(props.schemaPath, 'utf8');
    const api = new GraphqlApi(this, 'GraphqlApi', {
      name: resourceName(stage, 'graphql'),
      definition: Definition.fromFile(props.schemaPath),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: AuthorizationType.USER_POOL,
          userPoolConfig: { userPool: props.userPool },
        },
        additionalAuthorizationModes: [{ authorizationType: AuthorizationType.IAM }],
      },
      xrayEnabled: props.appsyncTracing ?? true,
      // The local server's limits (core/shared/query-limits.ts): a query refused there is refused here.
      queryDepthLimit: QUERY_LIMITS.maxDepth,
      resolverCountLimit: QUERY_LIMITS.maxRootFields,
    });
    // Logging is configured on the L1 resource: the L2 logConfig adds a LogRetention custom resource
    // (one more Lambda, with a managed policy and "*" permissions) only to set a retention that the
    // log group below sets itself. AppSync writes to `/aws/appsync/apis/<api id>`.
    const apiLogGroup = new LogGroup(this, 'GraphqlApiLogs', {
      logGroupName: `/aws/appsync/apis/${api.apiId}`,
      retention: props.logRetention,
      removalPolicy: logRemovalPolicy,
    });
    const logsRole = new Role(this, 'LogsRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: `Lets AppSync ${resourceName(stage, 'graphql')} write its own log group`,
    });
    logsRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [apiLogGroup.logGroupArn],
      }),
    );
    const cfnApi = api.node.defaultChild as CfnGraphQLApi;
    cfnApi.logConfig = {
      cloudWatchLogsRoleArn: logsRole.roleArn,
      fieldLogLevel: FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-ASC3',
      reason:
        'Request logging is on (request summaries and ERROR-level field logs); verbose content is excluded ' +
        "because it carries request headers (the caller's Cognito token) and resolver context (emails).",
    });
    this.graphqlApi = api;
    this.graphqlUrl = api.graphqlUrl;
    // The silence check (on the schedule below) fires onAlertChanged through the @aws_iam mutation.
    fn.function.addEnvironment('APPSYNC_GRAPHQL_URL', api.graphqlUrl);
    api.grantMutation(fn.role, 'notifyAlertChanged');
    this.realtimeUrl = cfnApi.attrRealtimeUrl;

    const lambdaSource = api.addLambdaDataSource('ApiLambda', fn.function, {
      name: underscoreName(stage, 'api_lambda'),
      description: `Invokes ${resourceName(stage, 'api')}`,
    });
    const noneSource = api.addNoneDataSource('None', { name: underscoreName(stage, 'none') });
    acknowledgeWildcardResources(
      lambdaSource,
      [`${nagRef(fn.function)}:*`],
      'CDK grants lambda:InvokeFunction on the API function and its versions and aliases (<arn>:*); ' +
        'it is the one function this data source invokes.',
    );

    const invokeCode = Code.fromAsset(`${props.resolversPath}/invoke-lambda.js`);
    for (const typeName of ['Query', 'Mutation'] as const) {
      for (const fieldName of rootFields(schemaSource, typeName)) {
        new Resolver(this, `${typeName}-${fieldName}`, {
          api,
          dataSource: lambdaSource,
          typeName,
          fieldName,
          runtime: FunctionRuntime.JS_1_0_0,
          code: invokeCode,
        });
      }
    }
    new Resolver(this, 'Subscription-onDeviceConfigChanged', {
      api,
      dataSource: noneSource,
      typeName: 'Subscription',
      fieldName: 'onDeviceConfigChanged',
      runtime: FunctionRuntime.JS_1_0_0,
      code: Code.fromAsset(`${props.resolversPath}/on-device-config-changed.js`),
    });
    new Resolver(this, 'Subscription-onAlertChanged', {
      api,
      dataSource: noneSource,
      typeName: 'Subscription',
      fieldName: 'onAlertChanged',
      runtime: FunctionRuntime.JS_1_0_0,
      code: Code.fromAsset(`${props.resolversPath}/on-alert-changed.js`),
    });

    // ---- the reconciliation schedule (re-sends config whose publish failed)
    new Rule(this, 'ReconcileSchedule', {
      ruleName: resourceName(stage, 'reconcile-config'),
      description: 'Re-publishes device config that is still UNDELIVERED and checks the silence watch',
      schedule: Schedule.rate(props.reconcileEvery ?? Duration.minutes(5)),
      targets: [
        new LambdaFunction(fn.function, {
          event: RuleTargetInput.fromObject({ action: 'reconcileConfigDelivery' }),
          retryAttempts: 0,
        }),
      ],
    });
  }
}
