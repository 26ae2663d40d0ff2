import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import type { LocalMode, LocalOutputs } from '../../../local/start-local';
import { adminToken, health, rejectedMessages, startTestLocal, tempDir } from '../../../testkit/local-mode';
import { waitFor } from '../../../testkit/wait-for';
import { createDevices, reconcile, spawnLocal, storedTimes } from '../../helpers/soak';

/**
 * `npm start` (the same `tsx local/main.ts`, as a child process) is killed
 * with SIGKILL while devices stream QoS 1 readings into it and its processor
 * is storing them, then started again in-process on the same data folder.
 * Every message whose PUBACK a device received is then looked up one by one:
 * a known device's reading in the DuckDB file, an unknown device's message
 * among the rejected messages.
 */

const DEVICES = ['kill-1', 'kill-2', 'kill-3', 'kill-4', 'kill-5', 'kill-6', 'kill-7', 'kill-8'];
/** Never created: every one of its messages must end up as a rejected message. */
const GHOST = 'kill-ghost';
/** QoS 1 publishes each device keeps in flight: PUBACKs arrive while others are still being handled. */
const IN_FLIGHT = 8;
/** Acknowledged messages before the kill: enough for several processed batches. */
const KILL_AFTER_ACKS = 3_000;
const DEADLINE_MS = 240_000;

const data = tempDir('yvr-kill-');
let child: ChildProcess | undefined;
let restarted: LocalMode | undefined;
const clients: MqttClient[] = [];
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const client of clients) await client.endAsync(true).catch(() => undefined);
  await restarted?.stop();
  data.remove();
});

/** A device streaming readings with distinct timestamps; `acked` holds the seqs whose PUBACK came back. */
interface Streamer {
  id: string;
  acked: Set<number>;
  sent: number;
  done: Promise<void>;
}

function stream(outputs: LocalOutputs, id: string, base: number, stop: { now: boolean }): Streamer {
  const streamer: Streamer = { id, acked: new Set(), sent: 0, done: Promise.resolve() };
  streamer.done = (async () => {
    // A device still connecting when the process dies simply has nothing acknowledged.
    const client = await mqtt
      .connectAsync(outputs.MqttUrl, { clientId: id, reconnectPeriod: 0 })
      .catch(() => undefined);
    if (!client) return;
    clients.push(client);
    client.on('error', () => undefined);
    const closed = new Promise<false>((resolve) => client.once('close', () => resolve(false)));
    const lanes = Array.from({ length: IN_FLIGHT }, async () => {
      while (!stop.now && client.connected) {
        const seq = streamer.sent++;
        const payload = JSON.stringify({
          ts: base + seq,
          seq,
          readings: { ph: seq % 1000, tmp: 500, cond: 10 },
        });
        // Settles on PUBACK, or never once the broker is gone: the lane stops on `stop.now` instead.
        const acked = await Promise.race([
          client.publishAsync(`devices/${id}/readings`, payload, { qos: 1 }).then(
            () => true,
            () => false,
          ),
          closed,
        ]);
        if (acked) streamer.acked.add(seq);
        else return;
      }
    });
    await Promise.all(lanes);
  })();
  return streamer;
}

describe('local mode killed mid-stream', () => {
  it(
    'stores or keeps as rejected every QoS 1 message it acknowledged before SIGKILL, after a restart on the same folder',
    { timeout: 600_000 },
    async () => {
      // A short window: batches are stored while the stream goes on, so the kill lands mid-processing.
      const started = await spawnLocal(data.dir, 200, DEADLINE_MS);
      child = started.child;
      const { outputs } = started;
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child!.once('exit', (_code, signal) => resolve(signal)),
      );
      await createDevices(outputs, DEVICES);

      const stop = { now: false };
      // Distinct per device (the store's key is device, sensor, time); in the past, inside the store's window.
      const base = Date.now() - 3_600_000;
      const streamers = [...DEVICES, GHOST].map((id) => stream(outputs, id, base, stop));
      const acks = () => streamers.reduce((n, s) => n + s.acked.size, 0);

      // Mid-stream: enough acknowledged, and the processor has stored some of it already.
      const before = await waitFor(
        async () => {
          if (acks() < KILL_AFTER_ACKS) return undefined;
          const stats = (await health(outputs)).processor;
          return stats.accepted > 0 && stats;
        },
        { timeoutMs: DEADLINE_MS, everyMs: 100, describe: () => `only ${acks()} PUBACKs so far` },
      );
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      stop.now = true;
      await Promise.all(streamers.map((s) => s.done));
      const acked = acks();

      restarted = await startTestLocal({ dataDir: data.dir, batch: { windowMs: 50 } });
      const after = await waitFor(
        async () => {
          const stats = (await health(restarted!.outputs)).processor;
          return stats.waiting === 0 && stats;
        },
        {
          timeoutMs: DEADLINE_MS,
          everyMs: 100,
          describe: () => 'the restarted processor to finish what it recovered',
        },
      );
      // Recovery was exercised: acknowledged messages were still unprocessed when the process died.
      expect(after.accepted + after.rejected).toBeGreaterThan(0);
      expect(after.deadLettered).toBe(0);

      const ghost = streamers.find((s) => s.id === GHOST)!;
      const kept = await rejectedMessages(restarted.outputs, await adminToken(restarted.outputs), GHOST);
      const keptSeqs = kept.map((r) => (JSON.parse(r.payload) as { seq: number }).seq);
      expect(kept.every((r) => /unknown device/.test(r.reason))).toBe(true);
      expect(reconcile([...ghost.acked].map(String), keptSeqs.map(String)).missing).toEqual([]);

      await restarted.stop();
      const rows = await storedTimes(join(data.dir, 'telemetry.duckdb'));
      const stored = new Set(rows.filter((r) => r.sensors === 3).map((r) => `${r.deviceId}@${r.time}`));
      const expected = streamers
        .filter((s) => s.id !== GHOST)
        .flatMap((s) => [...s.acked].map((seq) => `${s.id}@${base + seq}`));
      const { missing } = reconcile(expected, stored);
      console.log(
        `[kill-restart] ${acked} PUBACKs before SIGKILL (${expected.length} readings, ${ghost.acked.size} from the unknown device); ` +
          `the child had stored ${before.accepted} when polled; after restart ${after.accepted} stored and ` +
          `${after.rejected} rejected from the inbox; ${stored.size} readings in DuckDB, ${kept.length} rejected kept; missing ${missing.length}`,
      );
      expect(missing).toEqual([]);
    },
  );
});
