import type { Context } from 'aws-lambda';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ExportSink } from '../../core/telemetry/export/s3-sink';
import { SNSClient } from '@aws-sdk/client-sns';
import { AppSyncAlertPublisher } from '../../core/alerts/appsync-alert-publisher';
import { SnsNotificationSender } from '../../core/alerts/sns-notification-sender';
import { SnsSubscriptionManager } from '../../core/users/sns-subscription-manager';
import { logger } from '../../core/shared/logger';
import { createApi } from './app';
import { loadApiConfig } from './config';
import { buildApiDeps } from './deps';

// Wiring only. Config and SDK clients are created once per container, at load.
const config = loadApiConfig();
const sns = new SNSClient({});
const deps = buildApiDeps({
  dynamo: new DynamoDBClient({}),
  tableName: config.tableName,
  iotData: new IoTDataPlaneClient({ endpoint: config.iotDataEndpoint }),
  cognito: new CognitoIdentityProviderClient({}),
  userPoolId: config.userPoolId,
  ...(config.telemetryTable
    ? {
        // --context telemetry=dynamodb: the DynamoDB store on the same client; no Timestream client at all.
        telemetryTableName: config.telemetryTable.tableName,
        telemetryRetentionDays: config.telemetryTable.retentionDays,
        telemetryBackfillDays: config.telemetryTable.backfillDays,
      }
    : {
        timestreamQuery: new TimestreamQueryClient({}),
        // Only replayRejectedMessage writes; maxAttempts 1 because the telemetry writer owns retries.
        timestreamWrite: new TimestreamWriteClient({ maxAttempts: 1 }),
        magneticStoreRetentionDays: config.magneticStoreRetentionDays,
        ...(config.timestreamDatabase ? { timestreamDatabase: config.timestreamDatabase } : {}),
        ...(config.timestreamTable ? { timestreamTable: config.timestreamTable } : {}),
      }),
  ...(config.exportBucket
    ? {
        exportSink: new S3ExportSink({
          client: new S3Client({}),
          bucket: config.exportBucket,
          linkTtlSeconds: config.exportLinkTtlSeconds,
        }),
      }
    : {}),
  alertPublisher: new AppSyncAlertPublisher({ url: config.appsyncGraphqlUrl, region: config.region }),
  notificationSender: new SnsNotificationSender({ client: sns, topicArn: config.alertTopicArn }),
  subscriptionManager: new SnsSubscriptionManager({ client: sns, topicArn: config.alertTopicArn }),
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
