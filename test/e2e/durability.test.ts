import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { LocalMode, LocalOutputs } from '../../local/start-local';
import { ADMIN, gql, signIn, startTestLocal, tempDir } from '../../testkit/local-mode';
import { childLocalEnv } from '../helpers/soak';

const dirs: { remove: () => void }[] = [];
const running: LocalMode[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const local of running) await local.stop();
  for (const dir of dirs) dir.remove();
});

const PH = {
  id: 'ph',
  measurement: 'ph',
  unit: 'pH',
  calibration: {
    points: [
      { raw: 0, actual: 0 },
      { raw: 1000, actual: 14 },
    ],
  },
};

async function createDevice(outputs: LocalOutputs, id: string) {
  const { idToken } = await signIn(outputs, ADMIN.email, ADMIN.password);
  const created = await gql(
    outputs,
    idToken,
    'mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { id } }',
    {
      input: { id, name: id, sensors: [PH] },
    },
  );
  expect(created.errors).toBeUndefined();
}

/** Publishes QoS 1 readings and resolves once the broker acknowledged every one (PUBACK). */
async function publishReadings(outputs: LocalOutputs, id: string, count: number) {
  const device = await mqtt.connectAsync(outputs.MqttUrl, { reconnectPeriod: 0 });
  const start = Date.now() - count * 1000;
  for (let i = 0; i < count; i++) {
    await device.publishAsync(
      `devices/${id}/readings`,
      JSON.stringify({ ts: start + i * 1000, seq: i, readings: { ph: 100 + i } }),
      { qos: 1 },
    );
  }
  await device.endAsync();
}

async function latestRaw(outputs: LocalOutputs, id: string): Promise<number | undefined> {
  const { idToken } = await signIn(outputs, ADMIN.email, ADMIN.password);
  for (;;) {
    const r = await gql<{ latestReadings: { sensor: string; raw: number }[] }>(
      outputs,
      idToken,
      'query L($id: ID!) { latestReadings(deviceId: $id) { sensor raw } }',
      { id },
    );
    expect(r.errors).toBeUndefined();
    const raw = r.data?.latestReadings.find((x) => x.sensor === 'ph')?.raw;
    if (raw !== undefined) return raw;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('local mode: nothing acknowledged is lost', () => {
  it('processes accepted messages on stop, even inside the batch window', async () => {
    const data = tempDir();
    dirs.push(data);
    const first = await startTestLocal({ dataDir: data.dir, batch: { windowMs: 600_000 } });
    await createDevice(first.outputs, 'flush-1');
    await publishReadings(first.outputs, 'flush-1', 5);
    await first.stop();

    // A long window on restart too: only a flush at stop makes the readings visible.
    const second = await startTestLocal({ dataDir: data.dir, batch: { windowMs: 600_000 } });
    running.push(second);
    expect(await latestRaw(second.outputs, 'flush-1')).toBe(104);
  });

  it.each([
    ['SIGTERM', 'finishes what it acknowledged before exiting', 0],
    ['SIGKILL', 'processes on the next start what it acknowledged before being killed', null],
  ] as const)('%s: %s', async (signal, _title, exitCode) => {
    const data = tempDir();
    dirs.push(data);
    // Nothing is processed before the signal: the window is longer than the test.
    const env = await childLocalEnv(data.dir, 300_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: process.cwd(),
      env,
      stdio: 'ignore',
    });
    children.push(child);
    const outputsFile = join(data.dir, 'outputs.json');
    while (!existsSync(outputsFile)) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as LocalOutputs;
    await createDevice(outputs, 'signal-1');
    await publishReadings(outputs, 'signal-1', 5);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(exitCode);

    // After SIGTERM the readings must already be stored: the restarted processor would hold any
    // recovered message for its long window, so only a flush at shutdown makes them visible.
    const restarted = await startTestLocal({
      dataDir: data.dir,
      batch: { windowMs: signal === 'SIGTERM' ? 300_000 : 50 },
    });
    running.push(restarted);
    expect(await latestRaw(restarted.outputs, 'signal-1')).toBe(104);
  });

  it('keeps messages it cannot use (unknown device, bad JSON, 100 KB of binary) as rejected messages an admin can list', async () => {
    const local = await startTestLocal();
    running.push(local);
    const device = await mqtt.connectAsync(local.outputs.MqttUrl, { reconnectPeriod: 0 });
    await device.publishAsync('devices/ghost-1/readings', '{"readings": {"ph": 1}}', { qos: 1 });
    await device.publishAsync('devices/ghost-1/readings', 'not json', { qos: 1 });
    await device.publishAsync('devices/ghost-1/readings', Buffer.alloc(100 * 1024, 0xff), { qos: 1 });
    await device.endAsync();
    const { idToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    for (;;) {
      const r = await gql<{
        rejectedMessages: { items: { topic: string; reason: string; payload: string }[] };
      }>(
        local.outputs,
        idToken,
        '{ rejectedMessages(deviceId: "ghost-1") { items { topic reason payload } } }',
      );
      expect(r.errors).toBeUndefined();
      const items = r.data?.rejectedMessages.items ?? [];
      if (items.length === 3) {
        expect(items.map((i) => i.payload)).toEqual(
          expect.arrayContaining(['not json', '{"readings": {"ph": 1}}']),
        );
        expect(items.every((i) => i.reason.length > 0)).toBe(true);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
