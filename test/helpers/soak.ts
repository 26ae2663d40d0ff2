import { createServer, type AddressInfo } from 'node:net';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LocalOutputs } from '../../local/start-local';
import type { ProcessorStats } from '../../local/processor/local-processor';
export { sleep } from '../../testkit/wait-for';
import { waitFor as waitForValue } from '../../testkit/wait-for';
import { ADMIN, gql, signIn, type GraphQLResponse } from '../../testkit/local-mode';

/** Sensors of every soak device: raw 0..1000 -> 0..14 (ph), 0..100 (tmp), 0..2000 (cond). */
export const SOAK_SENSORS = [
  { id: 'ph', measurement: 'ph', unit: 'pH', points: [0, 14] },
  { id: 'tmp', measurement: 'temperature', unit: 'C', points: [0, 100] },
  { id: 'cond', measurement: 'conductivity', unit: 'uS/cm', points: [0, 2000] },
].map(({ id, measurement, unit, points }) => ({
  id,
  measurement,
  unit,
  calibration: {
    points: [
      { raw: 0, actual: points[0] },
      { raw: 1000, actual: points[1] },
    ],
  },
}));

/** A port nobody listens on now (for a child process, which cannot be told to pick port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The environment of a local mode started as a child process (`npm start`'s
 * entry) on free ports, with its data in `dataDir` and the given batch window.
 */
export async function childLocalEnv(dataDir: string, batchWindowMs: number): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    LOCAL_DATA_DIR: dataDir,
    GRAPHQL_PORT: String(await freePort()),
    MQTT_PORT: String(await freePort()),
    MQTT_WS_PORT: String(await freePort()),
    COGNITO_PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    LOCAL_BATCH_WINDOW_MS: String(batchWindowMs),
  };
}

/** Polls `check` until it returns a value; see testkit/wait-for.ts. */
export function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  deadlineMs: number,
  describe: () => string,
  everyMs = 100,
): Promise<T> {
  return waitForValue(check, { timeoutMs: deadlineMs, describe, everyMs });
}

/** The processor's counters as `GET /health` shows them. */
export async function processorHealth(outputs: LocalOutputs): Promise<ProcessorStats> {
  const response = await fetch(outputs.HealthUrl);
  const body = (await response.json()) as { status: string; processor: ProcessorStats };
  if (response.status !== 200 || body.status !== 'ok') throw new Error(`health answered ${response.status}`);
  return body.processor;
}

/** Creates the devices (with SOAK_SENSORS) as the admin, through GraphQL. */
export async function createDevices(outputs: LocalOutputs, ids: readonly string[]): Promise<void> {
  const { idToken } = await signIn(outputs, ADMIN.email, ADMIN.password);
  for (const id of ids) {
    const created = await gql(
      outputs,
      idToken,
      'mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { id } }',
      { input: { id, name: id, sensors: SOAK_SENSORS } },
    );
    if (created.errors) throw new Error(`createDevice ${id}: ${JSON.stringify(created.errors)}`);
  }
}

export interface KeptRejection {
  id: string;
  payload: string;
  reason: string;
}

interface RejectedPage {
  rejectedMessages: { items: KeptRejection[]; nextToken: string | null };
}

/** Every rejected message kept for `deviceId`, through the admin's `rejectedMessages` query, page by page. */
export async function rejectedOf(outputs: LocalOutputs, deviceId: string): Promise<KeptRejection[]> {
  const { idToken } = await signIn(outputs, ADMIN.email, ADMIN.password);
  const out: KeptRejection[] = [];
  let nextToken: string | null = null;
  do {
    const page: GraphQLResponse<RejectedPage> = await gql<RejectedPage>(
      outputs,
      idToken,
      'query R($d: ID, $t: String) { rejectedMessages(deviceId: $d, limit: 100, nextToken: $t) { items { id payload reason } nextToken } }',
      { d: deviceId, t: nextToken },
    );
    if (page.errors || !page.data) throw new Error(`rejectedMessages: ${JSON.stringify(page.errors)}`);
    out.push(...page.data.rejectedMessages.items);
    nextToken = page.data.rejectedMessages.nextToken;
  } while (nextToken);
  return out;
}

/** One stored reading time of a device, with the sensors stored at that time. */
export interface StoredTime {
  deviceId: string;
  time: number;
  sensors: number;
}

/**
 * Opens the telemetry file of a stopped local mode and returns, per device
 * and reading time, how many sensor rows are stored.
 */
export async function storedTimes(path: string): Promise<StoredTime[]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      'SELECT device_id, time, count(*) AS sensors FROM readings GROUP BY device_id, time',
    );
    return (reader.getRowObjectsJS() as { device_id: string; time: bigint; sensors: bigint }[]).map((r) => ({
      deviceId: r.device_id,
      time: Number(r.time),
      sensors: Number(r.sensors),
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Compares what must be there with what is, as two short lists a failure message can show. */
export function reconcile(expected: Iterable<string>, found: Iterable<string>) {
  const want = new Set(expected);
  const have = new Set(found);
  const missing = [...want].filter((k) => !have.has(k));
  const unexpected = [...have].filter((k) => !want.has(k));
  return { missing, unexpected };
}
