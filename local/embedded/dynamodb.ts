import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import dynalite from 'dynalite';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { TABLE_INDEXES, TABLE_KEYS } from '../../core/shared/table';
import { TELEMETRY_TABLE_KEYS } from '../../core/telemetry/dynamodb/layout';

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

/** Creates the table as core/shared/table.ts defines it, unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
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
  await waitActive(client, tableName);
}

/**
 * Creates the DynamoDB telemetry table (core/telemetry/dynamodb/layout.ts), unless it exists.
 * dynalite has no TTL: expired items stay, and the store's reads skip them (docs/TELEMETRY.md).
 */
export async function ensureTelemetryTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TELEMETRY_TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TELEMETRY_TABLE_KEYS.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TELEMETRY_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TELEMETRY_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  await waitActive(client, tableName);
}

async function waitActive(client: DynamoDBClient, tableName: string): Promise<void> {
  // dynalite creates synchronously with createTableMs: 0, but wait for ACTIVE to be safe.
  for (let i = 0; i < 50; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Table ${tableName} did not become ACTIVE`);
}
