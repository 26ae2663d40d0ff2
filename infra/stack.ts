import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Alerts } from './constructs/alerts';
import { Api } from './constructs/api';
import { Auth } from './constructs/auth';
import { Data } from './constructs/data';
import { Ingestion } from './constructs/ingestion';
import { IotEndpoint } from './constructs/iot-endpoint';
import { Monitoring } from './constructs/monitoring';
import { Telemetry } from './constructs/telemetry';
import { isProduction } from './stage';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fromRoot = (path: string): string => `${repoRoot}${path}`;

/** Where the stack finds its code: the two Lambda entries, the schema and the resolver code. */
export const SOURCE_PATHS = {
  apiEntry: fromRoot('resolvers/api/handler.ts'),
  processorEntry: fromRoot('processors/calibration/handler.ts'),
  schema: fromRoot('schema.graphql'),
  appsyncResolvers: fromRoot('resolvers/appsync'),
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
  readonly api: Api;
  readonly ingestion: Ingestion;
  readonly alerts: Alerts;
  readonly monitoring: Monitoring;

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
      ...(props.memoryStoreRetentionHours !== undefined
        ? { memoryStoreRetentionHours: props.memoryStoreRetentionHours }
        : {}),
      ...(props.magneticStoreRetentionDays !== undefined
        ? { magneticStoreRetentionDays: props.magneticStoreRetentionDays }
        : {}),
    });
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
      TimestreamDatabase: { value: this.telemetry.databaseName, description: 'Timestream database' },
      TimestreamTable: { value: this.telemetry.tableName, description: 'Timestream table' },
      IngestionQueueUrl: {
        value: this.ingestion.queue.queueUrl,
        description: 'Calibration processor input queue',
      },
      AlarmTopicArn: { value: this.monitoring.alarmTopic.topicArn, description: 'SNS topic of the alarms' },
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
