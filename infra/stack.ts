import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Alerts } from './constructs/alerts';
import { Api } from './constructs/api';
import { Auth } from './constructs/auth';
import { Data } from './constructs/data';
import { Exports } from './constructs/exports';
import { Ingestion } from './constructs/ingestion';
import { IotEndpoint } from './constructs/iot-endpoint';
import { Monitoring } from './constructs/monitoring';
import { OperatorConsole } from './constructs/console';
import { bundleConsoleInto } from '../console/tooling/build-console';
import { Telemetry } from './constructs/telemetry';
import { isProduction } from './stage';
import type { AwsTelemetryStoreKind } from '../core/telemetry/config';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fromRoot = (path: string): string => `${repoRoot}${path}`;

/** Where the stack finds its code: the two Lambda entries, the schema and the resolver code. */
export const SOURCE_PATHS = {
  apiEntry: fromRoot('resolvers/api/handler.ts'),
  processorEntry: fromRoot('processors/calibration/handler.ts'),
  schema: fromRoot('schema.graphql'),
  appsyncResolvers: fromRoot('resolvers/appsync'),
  /** The operator console's sources; synthesis builds them (vite) unless bundling is skipped. */
  console: fromRoot('console'),
} as const;

export interface YvrStackProps extends StackProps {
  /** Validated stage name (infra/stage.ts); every resource name begins `yvr-<stage>-`. */
  readonly stage: string;
  /**
   * The account's iot:Data-ATS endpoint host (context `iotEndpoint`).
   * @default looked up at deploy time (iot:DescribeEndpoint custom resource)
   */
  readonly iotEndpoint?: string;
  /**
   * Email subscribed to the alarm topic (context `alarmEmail`).
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * Retention of every log group (Lambda, AppSync).
   * @default three months for production stages, two weeks otherwise
   */
  readonly logRetention?: RetentionDays;
  /**
   * The telemetry store (context `telemetry`): `dynamodb` for an account that cannot create Timestream.
   * @default 'timestream'
   */
  readonly telemetryStore?: AwsTelemetryStoreKind;
  /** @default 24 hours (see Telemetry) */
  readonly memoryStoreRetentionHours?: number;
  /** @default ten years for production stages, 30 days otherwise (see Telemetry) */
  readonly magneticStoreRetentionDays?: number;
  /** @default SOURCE_PATHS */
  readonly sources?: Partial<typeof SOURCE_PATHS>;
}

/**
 * One stage of the backend. It only composes: one construct per concern,
 * wired through their readonly fields; the outputs carry the names that
 * local mode writes to .local/outputs.json.
 */
export class YvrStack extends Stack {
  readonly auth: Auth;
  readonly data: Data;
  readonly telemetry: Telemetry;
  readonly exports: Exports;
  readonly api: Api;
  readonly ingestion: Ingestion;
  readonly alerts: Alerts;
  readonly monitoring: Monitoring;
  readonly console: OperatorConsole;

  constructor(scope: Construct, id: string, props: YvrStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const sources = { ...SOURCE_PATHS, ...props.sources };
    const logRetention =
      props.logRetention ?? (isProduction(stage) ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS);

    this.auth = new Auth(this, 'Auth', { stage });
    this.data = new Data(this, 'Data', { stage });
    this.telemetry = new Telemetry(this, 'Telemetry', {
      stage,
      ...(props.telemetryStore ? { store: props.telemetryStore } : {}),
      ...(props.memoryStoreRetentionHours !== undefined
        ? { memoryStoreRetentionHours: props.memoryStoreRetentionHours }
        : {}),
      ...(props.magneticStoreRetentionDays !== undefined
        ? { magneticStoreRetentionDays: props.magneticStoreRetentionDays }
        : {}),
    });
    this.exports = new Exports(this, 'Exports', { stage });
    const iotEndpoint = new IotEndpoint(this, 'DeviceEndpoint', {
      ...(props.iotEndpoint ? { endpoint: props.iotEndpoint } : {}),
      logRetention,
    });
    this.alerts = new Alerts(this, 'Alerts', { stage });
    this.api = new Api(this, 'Api', {
      stage,
      schemaPath: sources.schema,
      entry: sources.apiEntry,
      resolversPath: sources.appsyncResolvers,
      table: this.data.table,
      userPool: this.auth.userPool,
      telemetry: this.telemetry,
      exports: this.exports,
      iotEndpoint: iotEndpoint.host,
      alertTopic: this.alerts.topic,
      logRetention,
    });
    this.ingestion = new Ingestion(this, 'Ingestion', {
      stage,
      entry: sources.processorEntry,
      table: this.data.table,
      telemetry: this.telemetry,
      graphqlApi: this.api.graphqlApi,
      alertTopic: this.alerts.topic,
      logRetention,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      apiFunction: this.api.function,
      processor: this.ingestion.processor,
      graphqlApi: this.api.graphqlApi,
      queue: this.ingestion.queue,
      deadLetterQueue: this.ingestion.deadLetterQueue,
      ruleErrorQueue: this.ingestion.ruleErrorQueue,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    this.console = new OperatorConsole(this, 'Console', {
      stage,
      sourceDir: sources.console,
      build: bundleConsoleInto,
      logRetention,
      // The names of the local outputs.json, so the console reads either the same way.
      config: {
        GraphQLUrl: this.api.graphqlUrl,
        Region: this.region,
        UserPoolId: this.auth.userPool.userPoolId,
        UserPoolClientId: this.auth.userPoolClient.userPoolClientId,
        AuthFlowType: 'USER_SRP_AUTH',
        Stage: stage,
      },
    });

    const outputs: Record<string, { value: string; description: string }> = {
      GraphQLUrl: { value: this.api.graphqlUrl, description: 'AppSync GraphQL endpoint (HTTPS)' },
      RealtimeUrl: { value: this.api.realtimeUrl, description: 'AppSync real-time endpoint (WebSocket)' },
      GraphQLApiId: { value: this.api.graphqlApi.apiId, description: 'AppSync API id' },
      UserPoolId: { value: this.auth.userPool.userPoolId, description: 'Cognito user pool id' },
      UserPoolClientId: {
        value: this.auth.userPoolClient.userPoolClientId,
        description: 'Dashboard app client id (no secret)',
      },
      CognitoEndpoint: {
        value: `https://cognito-idp.${this.region}.${this.urlSuffix}`,
        description: 'Cognito user pools endpoint',
      },
      Region: { value: this.region, description: 'AWS region of this stage' },
      IotEndpoint: {
        value: iotEndpoint.host,
        description: 'IoT Core data endpoint (ATS) that devices connect to',
      },
      MqttUrl: { value: `mqtts://${iotEndpoint.host}:8883`, description: 'MQTT over TLS URL for devices' },
      DevicePolicyName: {
        value: this.ingestion.devicePolicyName,
        description: 'IoT policy to attach to device certificates',
      },
      TableName: { value: this.data.table.tableName, description: 'DynamoDB table' },
      TelemetryStoreKind: {
        value: this.telemetry.store,
        description: 'Telemetry store kind (context telemetry)',
      },
      ...(this.telemetry.dynamoTable
        ? {
            TelemetryTableName: {
              value: this.telemetry.dynamoTable.tableName,
              description: 'DynamoDB telemetry table',
            },
          }
        : {
            TimestreamDatabase: { value: this.telemetry.databaseName, description: 'Timestream database' },
            TimestreamTable: { value: this.telemetry.tableName, description: 'Timestream table' },
          }),
      ExportBucket: {
        value: this.exports.bucket.bucketName,
        description: 'Private bucket of readings exports',
      },
      IngestionQueueUrl: {
        value: this.ingestion.queue.queueUrl,
        description: 'Calibration processor input queue',
      },
      AlarmTopicArn: { value: this.monitoring.alarmTopic.topicArn, description: 'SNS topic of the alarms' },
      ConsoleUrl: { value: this.console.url, description: 'Operator console (CloudFront)' },
      AlertTopicArn: {
        value: this.alerts.topic.topicArn,
        description: 'SNS topic of the alert notifications',
      },
    };
    for (const [name, { value, description }] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}
