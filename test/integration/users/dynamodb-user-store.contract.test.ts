import { DynamoUserStore } from '../../../core/users';
import { ensureTable } from '../../../local/embedded/dynamodb';
import { documentClientOf } from '../../../resolvers/api/deps';
import { freshTables, useDynamo } from '../../../testkit/embedded';
import { describeUserStoreContract } from '../../helpers/user-store-contract';

const dynamo = useDynamo('yvr-contract-users-0');
const freshTable = freshTables(dynamo, 'yvr-contract-users', ensureTable);

// A new table per test: the contract's list cases need an empty store.
describeUserStoreContract('DynamoDB (dynalite)', async () => {
  const { tableName } = await freshTable();
  return new DynamoUserStore({ client: documentClientOf(dynamo.client), tableName });
});
