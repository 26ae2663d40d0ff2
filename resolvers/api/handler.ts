import type { Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AccountDirectory } from '../../core/accounts/account-directory';
import type { ConfigPublisher } from '../../core/devices/config-publisher';
import type { NotificationSender } from '../../core/alerts/notifier';
import type { ExportSink } from '../../core/telemetry/export/sink';
import type { SubscriptionManager } from '../../core/users/subscription-manager';
import { AppSyncAlertPublisher } from '../../core/alerts/appsync-alert-publisher';
import { logger } from '../../core/shared/logger';
import { createApi } from './app';
import { loadApiConfig } from './config';
import { buildApiDeps } from './deps';
import { loadedOnFirstCall, sharedOnFirstUse } from './on-first-call';

// Wiring only. Config and SDK clients are created once per container: at load for what most
// requests use (DynamoDB, the telemetry store's reads), on first use for what few do (config
// publishes to IoT, S3 exports, Cognito administration, SNS, telemetry writes), whose modules
// are then imported (the bundle is split: infra/bundling/lambda-build.ts).
const config = loadApiConfig();

// Only device changes and the reconciliation of pending configs publish.
const configPublisher = loadedOnFirstCall<ConfigPublisher>(
  'The IoT config publisher (standalone/iot.js)',
  async () => (await import('./standalone/iot.js')).iotConfigPublisher(config.iotDataEndpoint),
  { publish: true },
);

const accountDirectory = loadedOnFirstCall<AccountDirectory>(
  'The Cognito account directory',
  async () => (await import('./on-demand/cognito')).cognitoAccountDirectory(config.userPoolId),
  {
    list: true,
    get: true,
    findByEmail: true,
    groupsOf: true,
    membersOf: true,
    create: true,
    addToGroup: true,
    removeFromGroup: true,
    setPassword: true,
    setEnabled: true,
    setEmail: true,
    delete: true,
  },
);

const exportSink = (bucket: string): ExportSink =>
  loadedOnFirstCall<ExportSink>(
    'The S3 export sink (standalone/s3.js)',
    async () =>
      (await import('./standalone/s3.js')).s3ExportSink({
        bucket,
        linkTtlSeconds: config.exportLinkTtlSeconds,
      }),
    { put: true, link: true },
  );

// One SNS client for the notification sender and the subscription manager.
const sns = sharedOnFirstUse(async () => {
  const module = await import('./standalone/sns.js');
  return { ...module, topic: module.alertTopic(config.alertTopicArn) };
});
const notificationSender = loadedOnFirstCall<NotificationSender>(
  'The SNS notification sender (standalone/sns.js)',
  async () => {
    const { SnsNotificationSender, topic } = await sns();
    return new SnsNotificationSender(topic);
  },
  { send: true },
);
const subscriptionManager = loadedOnFirstCall<SubscriptionManager>(
  'The SNS subscription manager (standalone/sns.js)',
  async () => {
    const { SnsSubscriptionManager, topic } = await sns();
    return new SnsSubscriptionManager(topic);
  },
  { sync: true, remove: true },
);

// The telemetry store the stack was deployed with (--context telemetry=): only its module is loaded.
const dynamo = new DynamoDBClient({});
const telemetryStore = config.telemetryTable
  ? (await import('./telemetry-stores/dynamodb')).dynamoDbTelemetryStore(dynamo, config.telemetryTable)
  : (await import('./telemetry-stores/timestream')).timestreamTelemetryStore(
      { database: config.timestreamDatabase, table: config.timestreamTable },
      config.magneticStoreRetentionDays,
    );

const deps = buildApiDeps({
  dynamo,
  tableName: config.tableName,
  configPublisher,
  accountDirectory,
  telemetryStore,
  ...(config.exportBucket ? { exportSink: exportSink(config.exportBucket) } : {}),
  alertPublisher: new AppSyncAlertPublisher({ url: config.appsyncGraphqlUrl, region: config.region }),
  notificationSender,
  subscriptionManager,
  logger,
});
const api = createApi(deps);

/** The EventBridge schedule's constant input that asks for a reconciliation pass. */
interface ScheduledAction {
  action: 'reconcileConfigDelivery';
}

const isScheduledAction = (event: unknown): event is ScheduledAction =>
  typeof event === 'object' &&
  event !== null &&
  (event as { action?: unknown }).action === 'reconcileConfigDelivery';

/** AppSync direct Lambda resolver events, plus the scheduled reconciliation of config delivery. */
export const handler = async (event: unknown, context: Context): Promise<unknown> => {
  logger.addContext(context);
  if (isScheduledAction(event)) {
    const result = await deps.devices.reconcileConfigDelivery();
    logger.info('Config delivery reconciled', { ...result });
    // The same 5-minute schedule checks the silence watch (gsi3): stations that stopped reporting.
    const silence = await deps.alerts.checkSilence();
    logger.info('Silence checked', { ...silence });
    return { ...result, silence };
  }
  return api.resolve(event, context);
};
