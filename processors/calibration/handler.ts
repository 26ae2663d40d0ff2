import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DeviceService, DynamoDeviceStore } from '../../core/devices';
import { createIngestionPipeline } from '../../core/ingestion';
import { DynamoRejectedStore, RejectedMessageService } from '../../core/rejected';
import { logger } from '../../core/shared/logger';
import { TimestreamTelemetryStore } from '../../core/telemetry/timestream/store';
import { AppSyncChangeNotifier } from '../../core/ingestion/appsync-notifier';
import { createSqsBatchHandler } from './batch';
import { loadProcessorConfig } from './config';
import { createQualityAssessor } from '../../core/quality/assessor';
import { DeviceCache } from './device-cache';

// Entry of the calibration processor (IoT rule -> SQS -> here): wiring only.
// Clients, the device cache and the services live for the container's life.
const config = loadProcessorConfig();

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }), {
  marshallOptions: { removeUndefinedValues: true },
});
// maxAttempts 1: the Timestream writer owns retries (bounded backoff with jitter), so they are not multiplied.
const timestreamWrite = new TimestreamWriteClient({ region: config.region, maxAttempts: 1 });

const deviceStore = new DynamoDeviceStore({ client: documents, tableName: config.tableName });
const devices = new DeviceService({
  store: deviceStore,
  // The processor only records acks; config is published by the API.
  publisher: {
    publish: () => Promise.reject(new Error('the calibration processor does not publish device config')),
  },
  logger,
});
const cache = new DeviceCache({ source: deviceStore, ttlMs: config.deviceCacheTtlMs });

const pipeline = createIngestionPipeline({
  devices: cache,
  telemetry: new TimestreamTelemetryStore({
    database: config.timestreamDatabase,
    table: config.timestreamTable,
    writeClient: timestreamWrite,
    memoryStoreRetentionMs: config.memoryStoreRetentionMs,
  }),
  acks: devices,
  notifier: new AppSyncChangeNotifier({ url: config.appsyncGraphqlUrl, region: config.region }),
  lastSeen: deviceStore,
  // Recent readings per sensor for the QARTOD tests: per container, like the device cache.
  quality: createQualityAssessor(),
  logger,
});

const rejected = new RejectedMessageService({
  store: new DynamoRejectedStore({ client: documents, tableName: config.tableName }),
  pipeline,
});

const handleBatch = createSqsBatchHandler({ pipeline, rejected, logger });

/** SQS batch in, partial batch response out (`batchItemFailures` names the records SQS must redeliver). */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  return handleBatch(event, context);
}
