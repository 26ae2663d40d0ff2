import type { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { loadavg } from 'node:os';
import {
  BENCH_SENSORS,
  BENCH_UNITS,
  batchesOf,
  benchReadings,
  benchSensors,
  benchPipeline,
  percentile,
  timeSideBySide,
  type BenchFigure,
  type BenchSection,
} from '../lib';
import type { InboundMessage, IngestionDevice } from '../../core/ingestion';
import { DuckDbTelemetryStore } from '../../core/telemetry';
import { requestBytes, requestWriteUnits } from '../../core/telemetry/timestream/layout';
import { TimestreamWriter } from '../../core/telemetry/timestream/writer';
import type { TelemetryRecord, WriteResult } from '../../core/telemetry/types';
import { DeviceCache } from '../../processors/calibration/device-cache';

// The calibration processor's figures, measured side by side in one run
// (targets: each figure's `target`; the arithmetic: docs/TELEMETRY.md).

const SENSORS = BENCH_SENSORS;
const UNITS = BENCH_UNITS;
const DEVICES = 20;
const MESSAGES = 20_000;
const BATCH = 100;
const NOW = Date.UTC(2026, 10, 27);

function makeDevice(id: string): IngestionDevice {
  return {
    id,
    enabled: true,
    configVersion: 7,
    sensors: benchSensors((i) => ({ unit: BENCH_UNITS[i]!, min: 0, max: 1000 })),
  };
}

const devices = new Map(
  Array.from({ length: DEVICES }, (_, i) => [
    `buoy-${String(i).padStart(3, '0')}`,
    makeDevice(`buoy-${String(i).padStart(3, '0')}`),
  ]),
);
const deviceIds = [...devices.keys()];

function makeMessages(count: number): { messages: InboundMessage[]; texts: string[] } {
  const encoder = new TextEncoder();
  const texts: string[] = [];
  const messages: InboundMessage[] = [];
  for (let k = 0; k < count; k++) {
    const readings = benchReadings(k);
    const text = JSON.stringify({ ts: NOW - (count - k) * 1000, seq: k, readings });
    texts.push(text);
    messages.push({
      topic: `devices/${deviceIds[k % DEVICES]}/readings`,
      payload: encoder.encode(text),
      receivedAt: NOW,
    });
  }
  return { messages, texts };
}

/** A store of nothing that counts what reaches it. */
class CountingSink {
  records = 0;
  readings = 0;
  oldestWritable(now: number) {
    return now - 7 * 86_400_000;
  }
  async write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    this.records += records.length;
    for (const r of records) this.readings += r.readings.length;
    return { failures: [] };
  }
}

class CountingDevices {
  reads = 0;
  async get(id: string) {
    this.reads++;
    return devices.get(id);
  }
}

function bestOf(rounds: number, run: () => number): number {
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) results.push(run());
  return Math.max(...results);
}

async function bestOfAsync(rounds: number, run: () => Promise<number>): Promise<number> {
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) results.push(await run());
  return Math.max(...results);
}

export default async function processorBench(): Promise<BenchSection> {
  const { messages, texts } = makeMessages(MESSAGES);
  const figures: BenchFigure[] = [];
  const notes: string[] = [];

  // --- JSON.parse alone: the limit --------------------------------------------------------
  // The messages arrive as bytes (MQTT payloads), so the limit is bytes -> string -> JSON.parse;
  // JSON.parse of ready-made strings is printed beside it. Rounds alternate between the limit and
  // the pipeline and the best of each is kept, so a noisy neighbour skews both alike.
  let sinkhole = 0;
  const jsonStringRate = bestOf(5, () => {
    const t = performance.now();
    for (const text of texts) sinkhole += (JSON.parse(text) as { seq: number }).seq;
    return MESSAGES / ((performance.now() - t) / 1000);
  });

  // --- the pipeline: parse + calibrate + record building into a counting sink -------------
  const source = new CountingDevices();
  const cache = new DeviceCache({ source, ttlMs: 60_000, clock: () => NOW });
  const sink = new CountingSink();
  const pipeline = benchPipeline({
    devices: cache,
    telemetry: sink,
    clock: () => NOW,
  });
  const batches = batchesOf(messages, BATCH);
  await pipeline.process(batches[0]!); // warm the cache and the JIT
  // Limit and pipeline alternate batch by batch, so a noisy neighbour on a shared machine slows
  // both alike; the best round of each is kept.
  const ROUNDS = 7;
  let jsonRate = 0;
  let pipelineRate = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const [jsonMs, pipelineMs] = (await timeSideBySide(batches, [
      (batch) => {
        for (const m of batch) {
          const text = Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).toString(
            'utf8',
          );
          sinkhole += (JSON.parse(text) as { seq: number }).seq;
        }
      },
      (batch) => pipeline.process(batch),
    ])) as [number, number];
    jsonRate = Math.max(jsonRate, MESSAGES / (jsonMs / 1000));
    pipelineRate = Math.max(pipelineRate, MESSAGES / (pipelineMs / 1000));
  }

  // --- naive baseline like the old design: one device read per message, one record per reading ---
  const naiveDevices = new CountingDevices();
  const naiveRecords: unknown[] = [];
  let naiveCount = 0;
  const naiveRate = await bestOfAsync(5, async () => {
    naiveRecords.length = 0;
    const t = performance.now();
    for (const m of messages) {
      const body = JSON.parse(new TextDecoder().decode(m.payload)) as {
        ts: number;
        readings: Record<string, unknown>;
      };
      const device = await naiveDevices.get(m.topic.split('/')[1]!);
      for (const [sensor, raw] of Object.entries(body.readings)) {
        const s = device!.sensors.find((x) => x.id === sensor)!;
        const p = s.calibration!.points;
        const value =
          Math.round(
            (((p[1]!.actual - p[0]!.actual) / (p[1]!.raw - p[0]!.raw)) * (Number(raw) - p[0]!.raw) +
              p[0]!.actual) *
              100,
          ) / 100;
        naiveRecords.push({
          Dimensions: [
            { Name: 'device_id', Value: device!.id },
            { Name: 'sensor', Value: sensor },
          ],
          MeasureName: 'value',
          MeasureValue: String(value),
          MeasureValueType: 'DOUBLE',
          Time: String(Date.now()),
        });
        naiveCount++;
      }
    }
    return MESSAGES / ((performance.now() - t) / 1000);
  });

  figures.push(
    { name: 'JSON.parse alone on the payload bytes (the limit)', value: jsonRate, unit: 'msg/s' },
    { name: 'JSON.parse of ready-made strings', value: jsonStringRate, unit: 'msg/s' },
    {
      name: 'processor: parse + calibrate + records',
      value: pipelineRate,
      unit: 'msg/s',
      reference: { name: 'JSON.parse', value: jsonRate },
      target: '>= 0.5x JSON.parse',
      met: pipelineRate >= 0.5 * jsonRate,
    },
    {
      name: 'naive baseline (old design)',
      value: naiveRate,
      unit: 'msg/s',
      reference: { name: 'JSON.parse', value: jsonRate },
    },
    {
      name: 'records per message: processor',
      value: sink.records / (MESSAGES * ROUNDS + BATCH),
      unit: 'records',
    },
    { name: 'records per message: naive', value: naiveCount / (MESSAGES * 5), unit: 'records' },
  );

  // --- Timestream: billed write units and WriteRecords calls per 100 messages -------------
  let calls = 0;
  let units = 0;
  let bytes = 0;
  const fakeClient = {
    send: async (command: WriteRecordsCommand) => {
      calls++;
      const packed = {
        commonAttributes: command.input.CommonAttributes ?? {},
        records: command.input.Records ?? [],
      };
      units += requestWriteUnits(packed);
      bytes += requestBytes(packed);
      return {};
    },
  } as unknown as TimestreamWriteClient;
  const writer = new TimestreamWriter({
    client: fakeClient,
    database: 'yvr-bench-db',
    table: 'calibrated_device_data',
  });
  const tsPipeline = benchPipeline({
    devices: new DeviceCache({ source: new CountingDevices() }),
    telemetry: { write: (r) => writer.write(r), oldestWritable: (now) => now - 86_400_000 },
    clock: () => NOW,
  });
  const hundred = messages.slice(0, 100);
  await tsPipeline.process(hundred);
  const bound = bytes / 1024;
  // The old design: one single-measure record per reading, one request each (each rounded up to 1 KiB).
  const naiveUnits = hundred.length * SENSORS.length;
  figures.push(
    {
      name: 'Timestream write units / 100 msgs',
      value: units,
      unit: 'units',
      reference: { name: 'packing bound', value: bound },
      target: '<= 1.2x packing bound',
      met: units <= 1.2 * bound,
    },
    { name: 'packing bound / 100 msgs (bytes / 1 KiB)', value: bound, unit: 'units' },
    {
      name: 'old design write units / 100 msgs',
      value: naiveUnits,
      unit: 'units',
      reference: { name: 'processor', value: units },
    },
    {
      name: 'WriteRecords calls / 100 msgs',
      value: calls,
      unit: 'calls',
      target: '<= 1 at full batches',
      met: calls <= 1,
    },
  );
  notes.push(
    `Timestream bytes for 100 ten-sensor messages from ${DEVICES} devices: ${bytes} (${(bytes / 100).toFixed(0)} per message, one multi-measure record each)`,
  );

  // --- DynamoDB reads per message through the cache ----------------------------------------
  // Steady state at full batches: 100-message batches back to back, one per simulated second.
  const steadySource = new CountingDevices();
  let simulated = NOW;
  const steadyCache = new DeviceCache({ source: steadySource, ttlMs: 60_000, clock: () => simulated });
  const steady = benchPipeline({
    devices: steadyCache,
    telemetry: new CountingSink(),
    clock: () => NOW,
  });
  for (const batch of batches) {
    await steady.process(batch);
    simulated += 1000;
  }
  const steadyReads = steadySource.reads / MESSAGES;
  // Sparse: the stations' own rate, each device every 10 minutes (longer than the TTL).
  const sparseSource = new CountingDevices();
  let sparseClock = NOW;
  const sparseCache = new DeviceCache({ source: sparseSource, ttlMs: 60_000, clock: () => sparseClock });
  const sparse = benchPipeline({
    devices: sparseCache,
    telemetry: new CountingSink(),
    clock: () => NOW,
  });
  for (let round = 0; round < 6; round++) {
    await sparse.process(messages.slice(round * DEVICES, (round + 1) * DEVICES));
    sparseClock += 600_000;
  }
  figures.push(
    {
      name: 'DynamoDB reads / message (full batches)',
      value: steadyReads,
      unit: 'reads',
      reference: { name: 'naive', value: naiveDevices.reads / (MESSAGES * 5) },
      target: '<= 0.01',
      met: steadyReads <= 0.01,
    },
    {
      name: 'DynamoDB reads / message (1 msg/device/10 min)',
      value: sparseSource.reads / (6 * DEVICES),
      unit: 'reads',
    },
  );
  notes.push(
    'reads/message = devices per TTL window / messages per TTL window; at full batches 20 devices are read once a minute for 6,000 messages. ' +
      "At the stations' own rate (one message per device per 10 min, longer than the 60 s TTL) every message misses: ~1 read each, a few cents a month; a longer DEVICE_CACHE_TTL_SECONDS trades that for slower calibration updates.",
  );

  // --- readings bucketed over one week of one-minute data on DuckDB -----------------------
  const duck = await DuckDbTelemetryStore.open({ path: ':memory:' });
  const WEEK = 7 * 86_400_000;
  const start = NOW - WEEK;
  const week: TelemetryRecord[] = [];
  for (let t = start; t < NOW; t += 60_000) {
    week.push({
      deviceId: 'buoy-000',
      time: t,
      configVersion: 7,
      source: 'device',
      readings: SENSORS.map((s, i) => ({
        sensor: s,
        raw: (t / 60_000) % 1000,
        value: ((t / 60_000) % 100) + i,
        unit: UNITS[i]!,
        outOfRange: false,
      })),
    });
  }
  for (let i = 0; i < week.length; i += 2000) await duck.write(week.slice(i, i + 2000));
  // Other devices' rows in the same table, so the query has to select.
  for (let d = 1; d < 4; d++) {
    await duck.write(week.slice(0, 2000).map((r) => ({ ...r, deviceId: deviceIds[d]! })));
  }
  const timings: number[] = [];
  let buckets = 0;
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const page = await duck.range({
      deviceId: 'buoy-000',
      sensor: 'ph',
      from: start,
      to: NOW,
      intervalMs: 3_600_000,
      limit: 1000,
    });
    timings.push(performance.now() - t);
    buckets = page.items.length;
  }
  await duck.close();
  const median = percentile(timings.slice(5), 50);
  figures.push(
    {
      name: 'DuckDB readings, 1 week of 1-min data, 1h buckets (median)',
      value: median,
      unit: 'ms',
      target: '<= 50 ms',
      met: median <= 50,
    },
    { name: 'same, p95', value: percentile(timings.slice(5), 95), unit: 'ms' },
  );
  notes.push(
    `${week.length * SENSORS.length} rows of buoy-000 plus ${3 * 2000 * SENSORS.length} of other devices; ${buckets} buckets returned`,
  );
  if (sinkhole === -1) notes.push('');
  notes.push(
    `load average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} on this machine's cores; throughput figures move with it`,
  );

  return { title: 'Calibration processor', figures, notes };
}
