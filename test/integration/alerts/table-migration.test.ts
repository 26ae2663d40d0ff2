import {
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLE_INDEXES } from '../../../core/shared/table';
import { createTable, ensureTable } from '../../../local/embedded/dynamodb';
import { useDynamo } from '../../../testkit/embedded';

const dynamo = useDynamo();

describe('the local table', () => {
  it('gains the indexes of a newer layout and keeps every item of a data folder made before them', async () => {
    const { client, tableName } = dynamo;
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    const old = TABLE_INDEXES.filter((i) => i.indexName !== 'gsi3');
    await createTable(client, tableName, old);
    const key = { pk: { S: 'DEVICE#b1' }, sk: { S: 'META' } };
    await client.send(new PutItemCommand({ TableName: tableName, Item: { ...key, name: { S: 'Buoy' } } }));

    await ensureTable(client, tableName);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
      TABLE_INDEXES.map((i) => i.indexName).sort(),
    );
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key }));
    expect(Item?.name).toEqual({ S: 'Buoy' });
  });
});
