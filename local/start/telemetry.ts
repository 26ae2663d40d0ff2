import { join } from 'node:path';
import { DuckDbTelemetryStore, DynamoDbTelemetryStore, type TelemetryStore } from '../../core/telemetry';
import { telemetryTableNameFor } from '../../core/telemetry/dynamodb/layout';
import type { LocalTelemetryKind } from '../config';
import { StoreDamagedError } from '../embedded/data-dir-check';
import { ensureTelemetryTable, type EmbeddedDynamo } from '../embedded/dynamodb';
import { nothingToStop, type Part } from './parts';

export interface LocalTelemetry {
  store: TelemetryStore;
  kind: LocalTelemetryKind;
  /** The DuckDB file (or `:memory:`), or the DynamoDB table's name: outputs.json's TelemetryStore. */
  path: string;
}

/**
 * The telemetry store (LOCAL_TELEMETRY): DuckDB stands in for Timestream;
 * `dynamodb` runs the DynamoDB store on dynalite, in a table of its own
 * created from the same definition as in AWS.
 */
export async function startTelemetry(options: {
  kind: LocalTelemetryKind;
  dataDir: string | undefined;
  dynamo: EmbeddedDynamo;
}): Promise<Part<LocalTelemetry>> {
  if (options.kind === 'dynamodb') {
    const tableName = telemetryTableNameFor('local');
    await ensureTelemetryTable(options.dynamo.client, tableName);
    const store = new DynamoDbTelemetryStore({ client: options.dynamo.client, tableName });
    return { handle: { store, kind: 'dynamodb', path: tableName }, stop: nothingToStop };
  }
  const { dataDir } = options;
  const path = dataDir ? join(dataDir, 'telemetry.duckdb') : ':memory:';
  const duck = await DuckDbTelemetryStore.open({ path }).catch((err: unknown) => {
    // A damaged file refuses the start naming it, rather than a driver stack trace.
    if (!dataDir) throw err;
    throw new StoreDamagedError(
      `The telemetry store ${path} cannot be opened (${(err as Error).message}). Restore it from a backup, or move it aside to start with no readings: mv ${path} ${path}.damaged`,
      { cause: err },
    );
  });
  return { handle: { store: duck, kind: 'duckdb', path }, stop: () => duck.close() };
}
