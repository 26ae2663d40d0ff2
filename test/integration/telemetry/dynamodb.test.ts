import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbTelemetryStore } from '../../../core/telemetry';
import { ensureTelemetryTable, startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { NOW } from '../../../testkit/telemetry-fixtures';
import { telemetryStoreContract } from './contract';

let dynamo: EmbeddedDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: 'yvr-test-data' });
});
afterAll(async () => {
  await dynamo?.stop();
});

// The DynamoDB store through the real SDK client against dynalite, one fresh table per test.
telemetryStoreContract('DynamoDB on dynalite', async () => {
  const tableName = `yvr-test-telemetry-${++tables}`;
  await ensureTelemetryTable(dynamo.client, tableName);
  const store = new DynamoDbTelemetryStore({ client: dynamo.client, tableName, clock: () => NOW });
  return {
    store,
    close: async () => {
      await dynamo.client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
});
