import { DynamoRejectedStore } from '../../../core/rejected';
import { dynaliteTables } from '../../helpers/dynalite-tables';
import { describeRejectedStoreContract } from '../../helpers/rejected-store-contract';

const { freshTable } = dynaliteTables('yvr-contract-rejected');

// A new table per test: the contract's list cases need an empty store.
describeRejectedStoreContract('DynamoDB (dynalite)', async () => {
  const { documents, tableName } = await freshTable();
  return new DynamoRejectedStore({ client: documents, tableName });
});
