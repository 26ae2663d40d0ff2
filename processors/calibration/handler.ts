import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DeviceService, DynamoDeviceStore } from '../../core/devices';
import { buildIngestion } from '../../core/ingestion/build-ingestion';
import { logger } from '../../core/shared/logger';
import { TimestreamTelemetryStore } from '../../core/telemetry/timestream/store';
import { TimestreamWriter } from '../../core/telemetry/timestream/writer';
import { DynamoDbTelemetryStore } from '../../core/telemetry/dynamodb/store';
import type { TelemetryStore } from '../../core/telemetry/port';
import { AppSyncChangeNotifier } from '../../core/ingestion/appsync-notifier';
import { createSqsBatchHandler } from './batch';
import { loadProcessorConfig } from './config';
import { DeviceCache } from './device-cache';
import { SNSClient } from '@aws-sdk/client-sns';
import { AlertService } from '../../core/alerts/alert-service';
import { DynamoAlertStore } from '../../core/alerts/dynamodb-alert-store';
import { AppSyncAlertPublisher } from '../../core/alerts/appsync-alert-publisher';
import { SnsNotificationSender } from '../../core/alerts/sns-notification-sender';

// Entry of the calibration processor (IoT rule -> SQS -> here): wiring only.
// Clients, the device cache and the services live for the container's life.
const config = loadProcessorConfig();

const dynamo = new DynamoDBClient({ region: config.region });
const documents = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true },
});
// The store the stack was deployed with (--context telemetry=timestream|dynamodb).
const telemetry: TelemetryStore = config.telemetryTable
  ? new DynamoDbTelemetryStore({
      client: dynamo,
      tableName: config.telemetryTable.tableName,
      retentionDays: config.telemetryTable.retentionDays,
      backfillDays: config.telemetryTable.backfillDays,
    })
  : new TimestreamTelemetryStore({
      database: config.timestreamDatabase ?? '',
      table: config.timestreamTable ?? '',
      writer: new TimestreamWriter({
        // maxAttempts 1: the Timestream writer owns retries (bounded backoff with jitter), so they are not multiplied.
        client: new TimestreamWriteClient({ region: config.region, maxAttempts: 1 }),
        database: config.timestreamDatabase ?? '',
        table: config.timestreamTable ?? '',
      }),
      magneticStoreRetentionDays: config.magneticStoreRetentionDays,
    });

const deviceStore = new DynamoDeviceStore({ client: documents, tableName: config.tableName });
const devices = new DeviceService({
  store: deviceStore,
  // The processor only records acks; config is published by the API.
  publisher: {
    publish: () => Promise.reject(new Error('the calibration processor does not publish device config')),
  },
  logger,
});
const alerts = new AlertService({
  store: new DynamoAlertStore({ client: documents, tableName: config.tableName }),
  publisher: new AppSyncAlertPublisher({ url: config.appsyncGraphqlUrl, region: config.region }),
  sender: new SnsNotificationSender({
    client: new SNSClient({ region: config.region }),
    topicArn: config.alertTopicArn,
  }),
  logger,
});
// The factory's QARTOD assessor keeps recent readings per sensor per container, like the device cache.
const { pipeline, rejected } = buildIngestion({
  documents,
  tableName: config.tableName,
  deviceStore,
  // The cached device carries its alert slots, so evaluating the rules reads nothing per message.
  cacheDevices: (table) => new DeviceCache({ source: table, ttlMs: config.deviceCacheTtlMs }),
  telemetry,
  alerts,
  acks: devices,
  notifier: new AppSyncChangeNotifier({ url: config.appsyncGraphqlUrl, region: config.region }),
  logger,
});

const handleBatch = createSqsBatchHandler({
  pipeline,
  rejected,
  logger,
  maxReceiveCount: config.maxReceiveCount,
});

/** SQS batch in, partial batch response out (`batchItemFailures` names the records SQS must redeliver). */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  return handleBatch(event, context);
}
