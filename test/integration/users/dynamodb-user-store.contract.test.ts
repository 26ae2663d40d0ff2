import { afterAll, beforeAll } from 'vitest';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoUserStore } from '../../../core/users';
import { ensureTable, startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { describeUserStoreContract } from '../../helpers/user-store-contract';

let dynamo: EmbeddedDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: 'yvr-contract-users-0' });
});

afterAll(async () => {
  await dynamo?.stop();
});

// A new table per test: the contract's list cases need an empty store.
describeUserStoreContract('DynamoDB (dynalite)', async () => {
  const tableName = `yvr-contract-users-${++tables}`;
  await ensureTable(dynamo.client, tableName);
  return new DynamoUserStore({
    client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  });
});
