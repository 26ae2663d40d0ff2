import { DynamoDbTelemetryStore } from '../../../core/telemetry';
import { ensureTelemetryTable } from '../../../local/embedded/dynamodb';
import { freshTables, useDynamo } from '../../../testkit/embedded';
import { NOW } from '../../../testkit/telemetry-fixtures';
import { telemetryStoreContract } from './contract';

const dynamo = useDynamo();
const freshTable = freshTables(dynamo, 'yvr-test-telemetry', ensureTelemetryTable);

// The DynamoDB store through the real SDK client against dynalite, one fresh table per test.
telemetryStoreContract('DynamoDB on dynalite', async () => {
  const { tableName, drop } = await freshTable();
  const store = new DynamoDbTelemetryStore({ client: dynamo.client, tableName, clock: () => NOW });
  return { store, close: drop };
});
