import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '../../../core/alerts/dynamodb-alert-store';
import { describeAlertStoreContract } from '../../helpers/alert-store-contract';
import { dynaliteTables } from '../../helpers/dynalite-tables';

const { freshTable } = dynaliteTables('yvr-contract-alerts');

// A new table per test: the contract's list cases need an empty store. The rule slots live on
// the device item, so a device is a minimal device item.
describeAlertStoreContract('DynamoDB (dynalite)', async () => {
  const { documents, tableName } = await freshTable();
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
