import { afterAll, beforeAll } from 'vitest';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRejectedStore } from '../../../core/rejected';
import { ensureTable, startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { describeRejectedStoreContract } from '../../helpers/rejected-store-contract';

let dynamo: EmbeddedDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: 'yvr-contract-rejected-0' });
});

afterAll(async () => {
  await dynamo?.stop();
});

// A new table per test: the contract's list cases need an empty store.
describeRejectedStoreContract('DynamoDB (dynalite)', async () => {
  const tableName = `yvr-contract-rejected-${++tables}`;
  await ensureTable(dynamo.client, tableName);
  return new DynamoRejectedStore({ client: DynamoDBDocumentClient.from(dynamo.client), tableName });
});
