import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { LocalMode } from '../../../local/start-local';
import {
  adminToken,
  connectDevice,
  health,
  rejectedMessages,
  startTestLocal,
  tempDir,
} from '../../../testkit/local-mode';
import { sleep, waitFor } from '../../../testkit/wait-for';
import { createDevices, reconcile, storedTimes } from '../../helpers/soak';

/**
 * Soak: simulated devices stream QoS 1 readings through the local broker at a
 * steady rate; afterwards every message is accounted for, one by one: stored
 * in DuckDB with all its sensors, or kept as a rejected message, never both,
 * never twice, none missing. The defaults are the figures (50 devices,
 * 10 messages a second each, 60 s = 30,000 messages); SOAK_SECONDS,
 * SOAK_DEVICES and SOAK_RATE make a longer or bigger run (docs/RELIABILITY.md).
 */

const SECONDS = envInt('SOAK_SECONDS', 60);
const DEVICES = envInt('SOAK_DEVICES', 50);
const RATE = envInt('SOAK_RATE', 10);
const PER_DEVICE = SECONDS * RATE;
const TOTAL = DEVICES * PER_DEVICE;
/** Every 100th message of each device carries no usable reading: it must be kept as a rejected message. */
const isBad = (seq: number) => seq % 100 === 99;
/** Bounds a hung run only; far beyond any expected duration, never a speed assertion. */
const DEADLINE_MS = Math.max(300_000, SECONDS * 5_000);

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`);
  return value;
}

const data = tempDir('yvr-soak-');
let local: LocalMode | undefined;
const clients: MqttClient[] = [];
afterAll(async () => {
  for (const client of clients) await client.endAsync(true).catch(() => undefined);
  await local?.stop();
  data.remove();
});

describe('soak: devices streaming through the local broker', () => {
  it(
    `accounts for every one of ${DEVICES} devices x ${RATE}/s x ${SECONDS} s = ${TOTAL} QoS 1 messages: stored or rejected, none lost, none twice`,
    { timeout: SECONDS * 1_000 + DEADLINE_MS * 3 },
    async () => {
      // A modest window keeps batches flowing during the stream (the default 5 s would only add waiting).
      local = await startTestLocal({ dataDir: data.dir, batch: { windowMs: 200 } });
      const outputs = local.outputs;
      const ids = Array.from({ length: DEVICES }, (_, i) => `soak-${i + 1}`);
      await createDevices(outputs, ids);
      const dropped: string[] = [];
      for (const id of ids) {
        const client = await connectDevice(outputs, { clientId: id });
        client.on('close', () => dropped.push(id));
        clients.push(client);
      }

      // Distinct times per device (the store's key is device, sensor, time), in the past.
      const base = Date.now() - 3_600_000;
      const intervalMs = 1000 / RATE;
      const acked = new Map<string, Set<number>>(ids.map((id) => [id, new Set()]));
      const refused: string[] = [];
      const load: number[] = [];
      const cpu = process.cpuUsage();
      const machine = machineTimes();
      const started = Date.now();
      const sampler = setInterval(() => load.push(loadavg()[0]!), 5_000);

      // A bounded loop per device: exactly PER_DEVICE messages on a fixed schedule. When the
      // machine falls behind, messages go out late rather than being skipped.
      let settled = 0;
      await Promise.all(
        clients.map(async (client, d) => {
          const id = ids[d]!;
          const offset = (d * intervalMs) / DEVICES;
          for (let seq = 0; seq < PER_DEVICE; seq++) {
            const due = started + offset + seq * intervalMs;
            if (due > Date.now()) await sleep(due - Date.now());
            const readings = isBad(seq)
              ? { ph: 'n/a', tmp: 'n/a', cond: 'n/a' }
              : { ph: seq % 1000, tmp: 500, cond: (seq * 7) % 1000 };
            client
              .publishAsync(
                `devices/${id}/readings`,
                JSON.stringify({ ts: base + seq * intervalMs, seq, readings }),
                { qos: 1 },
              )
              .then(
                () => void acked.get(id)!.add(seq),
                (err: Error) => void refused.push(`${id}#${seq}: ${err.message}`),
              )
              .finally(() => settled++);
          }
        }),
      );
      const sentIn = Date.now() - started;
      await waitFor(() => settled === TOTAL, {
        timeoutMs: DEADLINE_MS,
        everyMs: 100,
        describe: () =>
          `${settled} of ${TOTAL} publishes answered; connections closed: ${dropped.join(', ') || 'none'}`,
      });
      const ackedTotal = [...acked.values()].reduce((n, s) => n + s.size, 0);
      expect(refused).toEqual([]);
      expect(dropped).toEqual([]);
      expect(ackedTotal).toBe(TOTAL);

      // Processed: the processor's own counters, through GET /health.
      const stats = await waitFor(
        async () => {
          const s = (await health(outputs)).processor;
          return s.waiting === 0 && s.accepted + s.rejected >= ackedTotal && s;
        },
        {
          timeoutMs: DEADLINE_MS,
          everyMs: 100,
          describe: () => `the processor to catch up with ${ackedTotal} messages`,
        },
      );
      const processedIn = Date.now() - started;
      clearInterval(sampler);
      const used = process.cpuUsage(cpu);
      const busy = machineBusy(machine, machineTimes());
      const bad = ids.length * Array.from({ length: PER_DEVICE }, (_, s) => s).filter(isBad).length;
      // Each message reached the processor once and finished once (a retry, if a store hiccuped,
      // still finishes once): no loss, no redelivery.
      expect(stats).toMatchObject({ received: TOTAL, accepted: TOTAL - bad, rejected: bad, deadLettered: 0 });

      // Rejected: exactly the bad messages, once each.
      let keptTotal = 0;
      const token = await adminToken(outputs);
      for (const id of ids) {
        const kept = await rejectedMessages(outputs, token, id);
        keptTotal += kept.length;
        const seqs = kept.map((r) => (JSON.parse(r.payload) as { seq: number }).seq);
        expect(new Set(seqs).size, `${id}: a rejected message kept twice`).toBe(seqs.length);
        expect(seqs.sort((a, b) => a - b)).toEqual([...acked.get(id)!].filter(isBad).sort((a, b) => a - b));
      }

      // Stored: read back from the DuckDB file once the local mode has stopped.
      await local.stop();
      local = undefined;
      const rows = await storedTimes(join(data.dir, 'telemetry.duckdb'));
      const expected = ids.flatMap((id) =>
        [...acked.get(id)!].filter((seq) => !isBad(seq)).map((seq) => `${id}@${base + seq * intervalMs}`),
      );
      const found = rows.map((r) => `${r.deviceId}@${r.time}`);
      const { missing, unexpected } = reconcile(expected, found);
      expect(missing).toEqual([]);
      expect(unexpected).toEqual([]);
      expect(rows.filter((r) => r.sensors !== 3)).toEqual([]);
      expect(rows.length).toBe(TOTAL - bad);

      console.log(
        `[soak] ${DEVICES} devices x ${RATE}/s x ${SECONDS} s: ${ackedTotal} PUBACKs; published in ${(sentIn / 1000).toFixed(1)} s, ` +
          `all processed after ${(processedIn / 1000).toFixed(1)} s in ${stats.batches} batches (${stats.retried} retries); ` +
          `${rows.length} readings (${rows.length * 3} rows) in DuckDB, ${keptTotal} rejected kept; ` +
          `load average 1 min ${load.map((l) => l.toFixed(2)).join(' ')}; ` +
          `machine busy ${(busy * 100).toFixed(0)}% of ${cpus().length} cores; ` +
          `test process CPU ${((used.user + used.system) / 1e6).toFixed(1)} s`,
      );
    },
  );
});

/** Busy and total CPU time of all cores so far (ms). */
function machineTimes() {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

function machineBusy(from: { busy: number; total: number }, to: { busy: number; total: number }): number {
  return (to.busy - from.busy) / Math.max(1, to.total - from.total);
}
