import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreDamagedError } from '../../local/embedded/data-dir-check';
import { freePort, startTestLocal, tempDir } from '../../testkit/local-mode';

const data = tempDir();
afterAll(() => data.remove());

/** True when `port` can be listened on again (whatever had it let go). */
async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('local mode: a part that fails to start', () => {
  it('stops the parts already started, names the part, and leaves the ports and the data dir free', async () => {
    const ports = {
      graphql: await freePort(),
      mqtt: await freePort(),
      mqttWs: await freePort(),
      cognito: await freePort(),
      dynamodb: await freePort(),
    };
    // The telemetry store starts after DynamoDB, Cognito and the broker: a damaged file fails it.
    mkdirSync(data.dir, { recursive: true });
    const duckFile = join(data.dir, 'telemetry.duckdb');
    writeFileSync(duckFile, 'not a DuckDB database '.repeat(500));
    const lines: string[] = [];

    const start = startTestLocal({ dataDir: data.dir, ports, log: (line) => lines.push(line) });

    await expect(start).rejects.toBeInstanceOf(StoreDamagedError);
    const failure = lines.find((line) => line.includes('did not start'));
    expect(failure).toMatch(
      /^\[local\] telemetry did not start: The telemetry store .*telemetry\.duckdb cannot be opened/,
    );
    expect(failure).toMatch(/\(stopping mqtt, cognito, dynamodb, credentials, data dir\)$/);
    for (const [name, port] of Object.entries(ports))
      expect([name, await isFree(port)]).toEqual([name, true]);
    expect(existsSync(join(data.dir, 'local.lock'))).toBe(false);

    // Nothing of the failed start stands in the way of the next one on the same dir and ports.
    renameSync(duckFile, `${duckFile}.damaged`);
    const local = await startTestLocal({ dataDir: data.dir, ports });
    try {
      expect(local.outputs.GraphQLUrl).toBe(`http://127.0.0.1:${ports.graphql}/graphql`);
      expect(local.outputs.MqttUrl).toBe(`mqtt://127.0.0.1:${ports.mqtt}`);
    } finally {
      await local.stop();
    }
  });
});
