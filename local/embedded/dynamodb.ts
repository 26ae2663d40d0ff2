import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import dynalite from 'dynalite';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { TABLE_INDEXES, TABLE_KEYS } from '../../core/shared/table';

export interface EmbeddedDynamoOptions {
  /** Folder for LevelDB data; omitted = in memory (tests). */
  dataDir?: string;
  port?: number;
  host?: string;
  tableName: string;
}

export interface EmbeddedDynamo {
  endpoint: string;
  port: number;
  tableName: string;
  /** A client configured for the embedded endpoint (dummy credentials). */
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Client settings that point the real AWS SDK at a local endpoint. */
export const localClientConfig = (endpoint: string, region = 'local') => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/**
 * Starts dynalite (DynamoDB's wire protocol over LevelDB) and creates the
 * project's table with its indexes if missing.
 */
export async function startDynamo(options: EmbeddedDynamoOptions): Promise<EmbeddedDynamo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const client = new DynamoDBClient(localClientConfig(endpoint));
  await ensureTable(client, options.tableName);
  return {
    endpoint,
    port,
    tableName: options.tableName,
    client,
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates the table as core/shared/table.ts defines it, unless it exists; adds indexes a newer layout has. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const backup = `${tableName}-migrating`;
  // A migration interrupted after the copy: the copy is the data.
  if (await exists(client, backup)) {
    await dropTable(client, tableName);
    await createTable(client, tableName);
    await copyItems(client, backup, tableName);
    await dropTable(client, backup);
  }
  await createTable(client, tableName);
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  if (TABLE_INDEXES.every((i) => present.has(i.indexName))) return;
  // dynalite cannot add an index to a table (UpdateTable's Create is not implemented), so a data
  // folder from before an index existed is rebuilt: copied aside, recreated, copied back. Local only.
  await createTable(client, backup);
  await copyItems(client, tableName, backup);
  await dropTable(client, tableName);
  await createTable(client, tableName);
  await copyItems(client, backup, tableName);
  await dropTable(client, backup);
}

async function exists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

async function dropTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  for (let i = 0; i < 50 && (await exists(client, tableName)); i++)
    await new Promise((r) => setTimeout(r, 20));
}

/** Every item of one local table into another (a Scan: this is the local migration, never the API). */
async function copyItems(client: DynamoDBClient, from: string, to: string): Promise<void> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: from, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests: { PutRequest: { Item: Record<string, AttributeValue> } }[] | undefined = items
        .slice(i, i + 25)
        .map((Item) => ({ PutRequest: { Item } }));
      while (requests && requests.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [to]: requests } }),
        );
        requests = UnprocessedItems?.[to] as typeof requests;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const keys = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of TABLE_INDEXES) {
    keys.add(index.partitionKey);
    keys.add(index.sortKey);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...keys].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  // dynalite creates synchronously with createTableMs: 0, but wait for ACTIVE to be safe.
  for (let i = 0; i < 50; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Table ${tableName} did not become ACTIVE`);
}
