import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '../../../core/alerts/dynamodb-alert-store';
import { describeAlertStoreContract } from '../../helpers/alert-store-contract';
import { ensureTable } from '../../../local/embedded/dynamodb';
import { documentClientOf } from '../../../resolvers/api/deps';
import { freshTables, useDynamo } from '../../../testkit/embedded';

const dynamo = useDynamo('yvr-contract-alerts-0');
const freshTable = freshTables(dynamo, 'yvr-contract-alerts', ensureTable);

// A new table per test: the contract's list cases need an empty store. The rule slots live on
// the device item, so a device is a minimal device item.
describeAlertStoreContract('DynamoDB (dynalite)', async () => {
  const { tableName } = await freshTable();
  const documents = documentClientOf(dynamo.client);
  return {
    store: new DynamoAlertStore({ client: documents, tableName }),
    addDevice: async (id) => {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `DEVICE#${id}`, sk: 'META', id, configVersion: 1 },
        }),
      );
    },
  };
});
