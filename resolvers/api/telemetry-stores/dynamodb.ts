import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoTelemetryConfig } from '../../../core/telemetry/config';
import { DynamoDbTelemetryStore } from '../../../core/telemetry/dynamodb/store';

/** The DynamoDB store of a stack deployed with `--context telemetry=dynamodb` (imported by handler.ts at init). */
export const dynamoDbTelemetryStore = (
  client: DynamoDBClient,
  table: DynamoTelemetryConfig,
): DynamoDbTelemetryStore =>
  new DynamoDbTelemetryStore({
    client,
    tableName: table.tableName,
    retentionDays: table.retentionDays,
    backfillDays: table.backfillDays,
  });
