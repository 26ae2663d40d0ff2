import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { afterAll, beforeAll } from 'vitest';
import { DuckDbTelemetryStore } from '../core/telemetry';
import { startCognito, type EmbeddedCognito } from '../local/embedded/cognito';
import { startDynamo, type EmbeddedDynamo } from '../local/embedded/dynamodb';
import { startMqtt, type EmbeddedMqtt, type EmbeddedMqttOptions } from '../local/embedded/mqtt';

/** The error of a suite part read before its beforeAll started it (a use at module load). */
export class NotStartedError extends Error {
  override readonly name = 'NotStartedError';
}

/**
 * A part a test file starts once (beforeAll) and stops at the end (afterAll).
 * The returned object stands for the started part: reading a property before
 * the start throws {@link NotStartedError} naming the part, after it the
 * part's own value (methods bound to it). So a file keeps writing
 * `dynamo.client` without a `let` and its own pair of hooks.
 */
export function startedForSuite<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (part: T) => Promise<void> | void,
): T {
  let part: T | undefined;
  beforeAll(async () => {
    part = await start();
  });
  afterAll(async () => {
    if (part) await stop(part);
    part = undefined;
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!part) throw new NotStartedError(`${what} is read before its beforeAll started it`);
      const value: unknown = Reflect.get(part, key);
      return typeof value === 'function' ? value.bind(part) : value;
    },
    has: (_target, key) => part !== undefined && key in part,
    // instanceof and prototype checks see the part's class.
    getPrototypeOf: () => (part ? Reflect.getPrototypeOf(part) : Object.prototype),
  });
}

/** dynalite in memory for the test file, with the project's table `tableName` made. */
export const useDynamo = (tableName = 'yvr-test-data'): EmbeddedDynamo =>
  startedForSuite(
    'dynalite',
    () => startDynamo({ tableName }),
    (dynamo) => dynamo.stop(),
  );

/** cognito-local for the test file, its data in a fresh temporary folder removed at the end. */
export const useCognito = (): EmbeddedCognito & { dataDir: string } =>
  startedForSuite(
    'cognito-local',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'yvr-test-cognito-'));
      return Object.assign(await startCognito({ dataDir }), { dataDir });
    },
    async (cognito) => {
      await cognito.stop();
      await rm(cognito.dataDir, { recursive: true, force: true });
    },
  );

/** The aedes broker (memory only, free ports) for the test file. */
export const useMqtt = (options: EmbeddedMqttOptions = {}): EmbeddedMqtt =>
  startedForSuite(
    'aedes',
    () => startMqtt(options),
    (broker) => broker.stop(),
  );

/** A DuckDB telemetry store in memory for the test file. */
export const useDuckDb = (): DuckDbTelemetryStore =>
  startedForSuite(
    'DuckDB',
    () => DuckDbTelemetryStore.open({ path: ':memory:' }),
    (store) => store.close(),
  );

/** An IoT Data Plane client that publishes into the embedded broker (its routes are open in tests). */
export const dataPlaneClientOf = (broker: Pick<EmbeddedMqtt, 'dataPlaneEndpoint'>, maxAttempts?: number) =>
  new IoTDataPlaneClient({
    endpoint: broker.dataPlaneEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  });

/**
 * Numbered tables on the embedded DynamoDB, one per call, for tests that each
 * need an empty table: `ensure` creates it (ensureTable, ensureTelemetryTable),
 * `drop` deletes it again.
 */
export function freshTables(
  dynamo: Pick<EmbeddedDynamo, 'client'>,
  prefix: string,
  ensure: (client: EmbeddedDynamo['client'], tableName: string) => Promise<void>,
) {
  let made = 0;
  return async (): Promise<{ tableName: string; drop(): Promise<void> }> => {
    const tableName = `${prefix}-${++made}`;
    await ensure(dynamo.client, tableName);
    return {
      tableName,
      drop: async () => void (await dynamo.client.send(new DeleteTableCommand({ TableName: tableName }))),
    };
  };
}
