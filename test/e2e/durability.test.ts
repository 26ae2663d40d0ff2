import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalMode, LocalOutputs } from '../../local/start-local';
import {
  PH_SENSOR,
  adminToken,
  connectDevice,
  createDevice as createDeviceAs,
  latestReadings,
  publishReadings as publish,
  waitForRejected,
  startTestLocal,
  tempDir,
} from '../../testkit/local-mode';
import { waitFor } from '../../testkit/wait-for';
import { spawnLocal } from '../helpers/soak';

const dirs: { remove: () => void }[] = [];
const running: LocalMode[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const local of running) await local.stop();
  for (const dir of dirs) dir.remove();
});

async function createDevice(outputs: LocalOutputs, id: string) {
  await createDeviceAs(outputs, await adminToken(outputs), { id, sensors: [{ ...PH_SENSOR, unit: 'pH' }] });
}

/** Publishes QoS 1 readings and resolves once the broker acknowledged every one (PUBACK). */
async function publishReadings(outputs: LocalOutputs, id: string, count: number) {
  const device = await connectDevice(outputs);
  const start = Date.now() - count * 1000;
  await publish(
    device,
    id,
    Array.from({ length: count }, (_, i) => ({ ts: start + i * 1000, seq: i, readings: { ph: 100 + i } })),
  );
  await device.endAsync();
}

async function latestRaw(outputs: LocalOutputs, id: string): Promise<number> {
  const token = await adminToken(outputs);
  return waitFor(async () => (await latestReadings(outputs, token, id)).find((x) => x.sensor === 'ph')?.raw, {
    describe: () => `a pH reading of ${id}`,
  });
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
    const { child, outputs } = await spawnLocal(data.dir, 300_000);
    children.push(child);
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
    const device = await connectDevice(local.outputs);
    await device.publishAsync('devices/ghost-1/readings', '{"readings": {"ph": 1}}', { qos: 1 });
    await device.publishAsync('devices/ghost-1/readings', 'not json', { qos: 1 });
    await device.publishAsync('devices/ghost-1/readings', Buffer.alloc(100 * 1024, 0xff), { qos: 1 });
    await device.endAsync();
    const token = await adminToken(local.outputs);
    const items = await waitForRejected<{ reason: string; payload: string }>(local.outputs, token, {
      deviceId: 'ghost-1',
      fields: 'topic reason payload',
      atLeast: 3,
    });
    expect(items).toHaveLength(3);
    expect(items.map((i) => i.payload)).toEqual(
      expect.arrayContaining(['not json', '{"readings": {"ph": 1}}']),
    );
    expect(items.every((i) => i.reason.length > 0)).toBe(true);
  });
});
