import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import type { LocalMode } from '../../../local/start-local';
import { DataDirInUseError, StoreDamagedError } from '../../../local/embedded/data-dir-check';
import {
  adminToken,
  connectDevice,
  createDevice as createDeviceAs,
  latestReadings,
  linearSensor,
  waitForRejected,
  startTestLocal,
  tempDir,
} from '../../../testkit/local-mode';
import { waitFor } from '../../../testkit/wait-for';

// Issue 12, item 5: stored data lost or wrong in silence. A damaged inbox line dropped an
// acknowledged reading without a trace; a damaged retained-messages file lost every config while
// the API said DELIVERED; a damaged LevelDB block passed the start and crashed the process at the
// first query; a deleted user-pool file gave a new, empty pool; a second start on the same dir
// ended in a dynalite stack trace; a Data Plane publish during shutdown was answered 200 and
// dropped; and the inbox log grew without bound under a constant stream.

const running: LocalMode[] = [];
const dirs: { remove: () => void }[] = [];
afterEach(async () => {
  for (const l of running.splice(0)) await l.stop();
  for (const d of dirs.splice(0)) d.remove();
});

function dataDir() {
  const d = tempDir('yvr-stored-');
  dirs.push(d);
  return d.dir;
}

async function start(dir: string | undefined, options: Parameters<typeof startTestLocal>[0] = {}) {
  const local = await startTestLocal({ ...(dir ? { dataDir: dir } : {}), ...options });
  running.push(local);
  return local;
}

async function stop(local: LocalMode) {
  running.splice(running.indexOf(local), 1);
  await local.stop();
}

async function createDevice(local: LocalMode, id: string) {
  await createDeviceAs(local.outputs, await adminToken(local.outputs), {
    id,
    sensorIntervalMs: 60_000,
    sensors: [linearSensor('ph', 'ph', 1, 1)],
  });
}

describe('stored data is never lost or wrong in silence', () => {
  it('keeps an unreadable inbox line as a rejected message with its bytes', async () => {
    const dir = dataDir();
    const first = await start(dir);
    await createDevice(first, 'inbox-1');
    await stop(first);
    // Two acknowledged messages as the inbox holds them, the second damaged on disk.
    const good = JSON.stringify({
      seq: 1,
      topic: 'devices/inbox-1/readings',
      payload: Buffer.from(JSON.stringify({ ts: Date.now() - 1000, readings: { ph: 7 } })).toString('base64'),
      receivedAt: Date.now(),
    });
    const damaged = '{"seq":2,"topic":"devices/inbox-1/readings","payload":"eyJyZWFk\u0000\u00ff garbage';
    mkdirSync(join(dir, 'inbox'), { recursive: true });
    writeFileSync(join(dir, 'inbox', 'inbox.jsonl'), `${good}\n${damaged}\n`);

    const second = await start(dir);
    const token = await adminToken(second.outputs);
    const items = await waitForRejected<{ payload: string; payloadEncoding: string; reason: string }>(
      second.outputs,
      token,
      { fields: 'payload payloadEncoding reason topic' },
    );
    expect(items).toHaveLength(1);
    expect(items[0]!.reason).toMatch(/could not be read back/);
    const bytes = Buffer.from(items[0]!.payload, items[0]!.payloadEncoding === 'base64' ? 'base64' : 'utf8');
    expect(bytes.toString('utf8')).toContain('"seq":2,"topic":"devices/inbox-1/readings"');
    const latest = await latestReadings(second.outputs, token, 'inbox-1', 'raw');
    expect(latest.map((r) => r.raw)).toEqual([7]);
  });

  it('rebuilds retained config from the device table when the retained-messages file is damaged', async () => {
    const dir = dataDir();
    const first = await start(dir);
    await createDevice(first, 'retained-1');
    const expected = first.mqtt.retained().get('devices/retained-1/config')?.toString();
    expect(expected).toContain('"version":1');
    await stop(first);
    writeFileSync(join(dir, 'mqtt', 'retained.jsonl'), 'not json at all\n{"topic":\n');

    const lines: string[] = [];
    const second = await start(dir, { log: (line) => lines.push(line) });
    expect(second.mqtt.retained().get('devices/retained-1/config')?.toString()).toBe(expected);
    expect(lines.join('\n')).toMatch(/damaged line/);
    expect(lines.join('\n')).toMatch(
      /retained config rebuilt from the device table for 1 device\(s\): retained-1/,
    );
    // A device that subscribes now gets its config.
    const device = await connectDevice(second.outputs);
    const got = new Promise<string>((resolve) => device.once('message', (_t, p) => resolve(p.toString())));
    await device.subscribeAsync('devices/retained-1/config', { qos: 1 });
    expect(await got).toBe(expected);
    await device.endAsync();
  });

  it('rebuilds nothing when the retained config agrees with the table', async () => {
    const dir = dataDir();
    const first = await start(dir);
    await createDevice(first, 'retained-2');
    await stop(first);
    const lines: string[] = [];
    await start(dir, { log: (line) => lines.push(line) });
    expect(lines.join('\n')).not.toMatch(/rebuilt/);
  });

  it('refuses to start on a damaged LevelDB store, naming the folder and what to do', async () => {
    const dir = dataDir();
    const first = await start(dir);
    for (let i = 0; i < 3000; i++)
      await first.dynamo.client.send(
        new PutItemCommand({
          TableName: first.outputs.TableName,
          Item: { pk: { S: `FILLER#${i}` }, sk: { S: 'x' }, v: { S: 'y'.repeat(200) } },
        }),
      );
    await stop(first);
    // A restart turns LevelDB's log into a table file (.ldb); that is the file damaged here.
    await stop(await start(dir));
    const store = join(dir, 'dynamodb');
    const table = readdirSync(store).find((f) => f.endsWith('.ldb'));
    expect(table).toBeDefined();
    const bytes = readFileSync(join(store, table!));
    bytes.fill(0xff, 5_000, 5_100);
    writeFileSync(join(store, table!), bytes);

    const started = startTestLocal({ dataDir: dir });
    await expect(started).rejects.toBeInstanceOf(StoreDamagedError);
    await expect(started).rejects.toThrow(new RegExp(`${store}.*damaged.*mv `));
  });

  it('refuses to start when the user-pool file of a used data dir is missing', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const poolId = first.outputs.UserPoolId;
    await stop(first);
    const poolFile = join(dir, 'cognito', 'db', `${poolId}.json`);
    expect(existsSync(poolFile)).toBe(true);
    rmSync(poolFile);

    const started = startTestLocal({ dataDir: dir });
    await expect(started).rejects.toBeInstanceOf(StoreDamagedError);
    await expect(started).rejects.toThrow(new RegExp(`${poolFile} is missing`));
  });

  it.each([
    ['the telemetry store', 'telemetry.duckdb', /telemetry store .*telemetry\.duckdb cannot be opened/],
    ['a Cognito file', 'cognito/db/clients.json', /Cognito file .*clients\.json is damaged/],
  ])('refuses to start when %s is damaged, naming the file', async (_what, file, message) => {
    const dir = dataDir();
    await stop(await start(dir));
    writeFileSync(join(dir, file), 'this is not what was written here\n');
    const started = startTestLocal({ dataDir: dir });
    await expect(started).rejects.toBeInstanceOf(StoreDamagedError);
    await expect(started).rejects.toThrow(message);
  });

  it('refuses a second start on the same data dir, naming the process that has it', async () => {
    const dir = dataDir();
    await start(dir);
    const second = startTestLocal({ dataDir: dir });
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(`in use by process ${process.pid}`);
  });

  it('refuses (503) a Data Plane publish to a processor topic once the processor is stopping', async () => {
    const local = await start(undefined);
    await local.processor.stop();
    const iot = new IoTDataPlaneClient({
      endpoint: local.outputs.IotDataEndpoint,
      region: local.outputs.Region,
      credentials: local.credentials,
      maxAttempts: 1,
    });
    await expect(
      iot.send(new PublishCommand({ topic: 'devices/x/readings', qos: 1, payload: Buffer.from('{}') })),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
    iot.destroy();
  });

  it('compacts the inbox log while running, under a stream that always leaves messages open', async () => {
    const dir = dataDir();
    // Batches of 10 and a window longer than the test: one message is always open.
    const local = await start(dir, {
      batch: { size: 10, windowMs: 600_000 },
      inboxCompactAfterBytes: 8 * 1024,
    });
    await createDevice(local, 'stream-1');
    const device = await connectDevice(local.outputs);
    const ts = Date.now() - 60_000;
    let largest = 0;
    for (let i = 0; i < 1_201; i++) {
      await device.publishAsync(
        'devices/stream-1/readings',
        JSON.stringify({ ts: ts + i, readings: { ph: i } }),
        { qos: 1 },
      );
      // A stream the processor keeps up with, yet never idle: one message stays open throughout.
      if (i % 10 === 0) {
        await waitFor(() => local.processor.stats().waiting <= 1, {
          everyMs: 5,
          describe: () => 'the processor to catch up with the stream',
        });
        largest = Math.max(largest, statSync(join(dir, 'inbox', 'inbox.jsonl')).size);
      }
    }
    await device.endAsync();
    // 1,201 lines of ~150 bytes would be ~180 KB; compacted it stays near the threshold.
    expect(largest).toBeLessThan(32 * 1024);
    expect(local.processor.stats().waiting).toBeGreaterThan(0);
  });
});
