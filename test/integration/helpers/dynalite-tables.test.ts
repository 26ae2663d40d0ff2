import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynaliteTables } from '../../helpers/dynalite-tables';

const { freshTable } = dynaliteTables('yvr-helper-tables');

describe('dynaliteTables', () => {
  it('hands each call a new, empty table named after the prefix', async () => {
    const first = await freshTable();
    const second = await freshTable();
    expect([first.tableName, second.tableName]).toEqual(['yvr-helper-tables-1', 'yvr-helper-tables-2']);
    const Key = { pk: 'X#1', sk: 'META' };
    await first.documents.send(
      new PutCommand({ TableName: first.tableName, Item: { ...Key, note: undefined } }),
    );
    expect((await first.documents.send(new GetCommand({ TableName: first.tableName, Key }))).Item).toEqual(
      Key,
    );
    expect(
      (await second.documents.send(new GetCommand({ TableName: second.tableName, Key }))).Item,
    ).toBeUndefined();
  });
});
