import { DynamoUserStore } from '../../../core/users';
import { dynaliteTables } from '../../helpers/dynalite-tables';
import { describeUserStoreContract } from '../../helpers/user-store-contract';

const { freshTable } = dynaliteTables('yvr-contract-users');

// A new table per test: the contract's list cases need an empty store.
describeUserStoreContract('DynamoDB (dynalite)', async () => {
  const { documents, tableName } = await freshTable();
  return new DynamoUserStore({ client: documents, tableName });
});
