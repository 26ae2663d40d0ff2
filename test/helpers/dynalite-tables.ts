import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { ensureTable, startDynamo, type EmbeddedDynamo } from '../../local/embedded/dynamodb';

/** A new empty table of the project's single-table layout on the file's dynalite. */
export interface FreshTable {
  tableName: string;
  client: DynamoDBClient;
  /** A document client on `client` that leaves out undefined attributes. */
  documents: DynamoDBDocumentClient;
}

/**
 * Starts one dynalite for the test file (beforeAll, stopped afterAll) and
 * returns `freshTable`, which creates a new table named `<prefix>-<n>` for
 * each call: store contracts whose list cases need an empty store call it in
 * each test. Call it at the top level of a test file.
 */
export function dynaliteTables(prefix: string): { freshTable: () => Promise<FreshTable> } {
  let dynamo: EmbeddedDynamo | undefined;
  let tables = 0;
  beforeAll(async () => {
    dynamo = await startDynamo({ tableName: `${prefix}-0` });
  });
  afterAll(async () => {
    await dynamo?.stop();
  });
  return {
    async freshTable() {
      if (!dynamo) throw new Error('dynaliteTables: freshTable was called before the dynalite started');
      const tableName = `${prefix}-${++tables}`;
      await ensureTable(dynamo.client, tableName);
      const documents = DynamoDBDocumentClient.from(dynamo.client, {
        marshallOptions: { removeUndefinedValues: true },
      });
      return { tableName, client: dynamo.client, documents };
    },
  };
}
