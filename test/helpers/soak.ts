import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LocalOutputs } from '../../local/start-local';
import { waitFor } from '../../testkit/wait-for';
import { adminToken, createDevice, freePort } from '../../testkit/local-mode';

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

/** A local mode started as `npm start` does (`tsx local/main.ts`) in a child process. */
export interface ChildLocal {
  child: ChildProcess;
  outputs: LocalOutputs;
  /** The child's last 4,000 characters of stderr. */
  stderr: () => string;
}

/**
 * Starts `local/main.ts` in a child process on free ports with its data in
 * `dataDir`, and resolves with its outputs once it has written outputs.json;
 * fails, with its stderr, if it exits first.
 */
export async function spawnLocal(
  dataDir: string,
  batchWindowMs: number,
  timeoutMs = 120_000,
): Promise<ChildLocal> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: process.cwd(),
    env: await childLocalEnv(dataDir, batchWindowMs),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const outputsFile = join(dataDir, 'outputs.json');
  const exited = await waitFor(
    () => (child.exitCode !== null ? { code: child.exitCode } : existsSync(outputsFile) && { code: null }),
    { timeoutMs, everyMs: 100, describe: () => `npm start to write ${outputsFile}` },
  );
  if (exited.code !== null) throw new Error(`npm start exited with ${exited.code}: ${stderr}`);
  return {
    child,
    outputs: JSON.parse(readFileSync(outputsFile, 'utf8')) as LocalOutputs,
    stderr: () => stderr,
  };
}

/** Creates the devices (with SOAK_SENSORS) as the admin, through GraphQL. */
export async function createDevices(outputs: LocalOutputs, ids: readonly string[]): Promise<void> {
  const token = await adminToken(outputs);
  for (const id of ids) await createDevice(outputs, token, { id, sensors: SOAK_SENSORS });
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
