import { DynamoRejectedStore } from '../../../core/rejected';
import { describeRejectedStoreContract } from '../../helpers/rejected-store-contract';
import { ensureTable } from '../../../local/embedded/dynamodb';
import { documentClientOf } from '../../../resolvers/api/deps';
import { freshTables, useDynamo } from '../../../testkit/embedded';

const dynamo = useDynamo('yvr-contract-rejected-0');
const freshTable = freshTables(dynamo, 'yvr-contract-rejected', ensureTable);

// A new table per test: the contract's list cases need an empty store.
describeRejectedStoreContract('DynamoDB (dynalite)', async () => {
  const { tableName } = await freshTable();
  const documents = documentClientOf(dynamo.client);
  return new DynamoRejectedStore({ client: documents, tableName });
});
