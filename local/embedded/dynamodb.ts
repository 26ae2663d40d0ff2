import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
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
import { TABLE_INDEXES, TABLE_KEYS, type IndexDefinition } from '../../core/shared/table';
import { generateLocalCredentials, type LocalCredentials } from './local-credentials';
import { createSigV4Checker } from './sigv4-verifier';
import { checkLevelStore } from './data-dir-check';
import { TELEMETRY_TABLE_KEYS } from '../../core/telemetry/dynamodb/layout';

export interface EmbeddedDynamoOptions {
  /** Folder for LevelDB data; omitted = in memory (tests). */
  dataDir?: string;
  port?: number;
  host?: string;
  tableName: string;
  /** The only credentials whose SigV4 signatures are accepted; omitted = a fresh random pair. */
  credentials?: LocalCredentials;
}

export interface EmbeddedDynamo {
  endpoint: string;
  port: number;
  tableName: string;
  /** A client configured for the embedded endpoint, signing with `credentials`. */
  client: DynamoDBClient;
  /** The credentials requests must be signed with. */
  credentials: LocalCredentials;
  stop(): Promise<void>;
}

/** Client settings that point the real AWS SDK at a local endpoint, signing with the local credentials. */
export const localClientConfig = (endpoint: string, region: string, credentials: LocalCredentials) => ({
  endpoint,
  region,
  credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
});

/** DynamoDB refuses bodies over 16 MB; so does dynalite, after the front has read them. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * Starts dynalite (DynamoDB's wire protocol over LevelDB) and creates the
 * project's table with its indexes if missing.
 */
export async function startDynamo(options: EmbeddedDynamoOptions): Promise<EmbeddedDynamo> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    // A damaged store refuses the start, naming the folder, instead of crashing at the first query.
    await checkLevelStore(options.dataDir);
  }
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  const credentials = options.credentials ?? generateLocalCredentials();
  guardWithSigV4(server, credentials);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const client = new DynamoDBClient(localClientConfig(endpoint, 'local', credentials));
  await ensureTable(client, options.tableName);
  return {
    endpoint,
    port,
    tableName: options.tableName,
    client,
    credentials,
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

/**
 * Creates the table with the given indexes (the layout's, unless a test asks
 * for an older layout) unless it exists, and waits until it is active.
 */
export async function createTable(
  client: DynamoDBClient,
  tableName: string,
  indexes: readonly IndexDefinition[] = TABLE_INDEXES,
): Promise<void> {
  const keys = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of indexes) {
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
        GlobalSecondaryIndexes: indexes.map((index) => ({
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

/**
 * Puts a SigV4 check in front of dynalite, which takes any signature: the
 * body is read, the signature verified with the local credentials (as
 * DynamoDB does), and only then is the request replayed into dynalite.
 * Browsers get no CORS (dynalite would answer `*`): a preflight is refused.
 */
function guardWithSigV4(server: Server, credentials: LocalCredentials): void {
  const dynalite = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  const check = createSigV4Checker({ credentials, service: 'dynamodb' });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // DynamoDB's health answer (`GET /`) needs no signature; everything else does.
    if (req.method === 'GET' && (req.url === '/' || req.url === '')) {
      delete req.headers.origin;
      for (const listener of dynalite) listener(req, res);
      return;
    }
    if (req.method === 'OPTIONS')
      return refuse(res, 403, 'AccessDeniedException', 'DynamoDB answers no CORS here.');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        refuse(
          res,
          413,
          'RequestEntityTooLarge',
          `Request bodies are limited to ${MAX_REQUEST_BYTES} bytes.`,
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const body = Buffer.concat(chunks);
      check(req.method ?? 'POST', req.url ?? '/', req.headers, body).then(
        (problem) => {
          // DynamoDB answers every signature problem with 400 and the problem's type.
          if (problem) return refuse(res, 400, `${problem.code}Exception`, problem.message);
          delete req.headers.origin;
          const replay = Object.assign(Readable.from(body.length ? [body] : []), {
            headers: req.headers,
            method: req.method,
            url: req.url,
            socket: req.socket,
          }) as unknown as IncomingMessage;
          for (const listener of dynalite) listener(replay, res);
        },
        () => refuse(res, 500, 'InternalServerError', 'The signature could not be checked.'),
      );
    });
  });
}

function refuse(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'content-type': 'application/x-amz-json-1.0' })
    .end(JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message }));
}
