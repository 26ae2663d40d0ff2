import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  TimestreamWriteClient,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { BENCH_SENSORS, BENCH_UNITS, percentile, type BenchFigure, type BenchSection } from '../lib';
import {
  DuckDbTelemetryStore,
  DynamoDbTelemetryStore,
  TimestreamTelemetryStore,
  TimestreamWriter,
  type TelemetryStore,
} from '../../core/telemetry';
import { ExportService } from '../../core/telemetry/export';
import { packRequest, requestWriteUnits } from '../../core/telemetry/timestream/layout';
import type { TelemetryRecord } from '../../core/telemetry/types';
import { ensureTelemetryTable, localClientConfig, startDynamo } from '../../local/embedded/dynamodb';
import { FileExportSink } from '../../local/export/file-export-sink';
import { FakeTimestream } from '../../testkit/fake-timestream';

// The three telemetry stores side by side (docs/TELEMETRY.md turns the request and capacity
// counts into a monthly cost): DuckDB (local stand-in for Timestream), the DynamoDB store on
// dynalite (which reports consumed capacity as DynamoDB computes it), and Timestream through its
// SDK clients against the DuckDB-backed fake, by request counting.

const SENSORS: string[] = [...BENCH_SENSORS];
const UNITS = BENCH_UNITS;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27);
const YEAR_START = NOW - 365 * DAY;
const STATION = 'buoy-000';
const LATENCY_RUNS = 25;

function message(deviceId: string, time: number, k: number): TelemetryRecord {
  return {
    deviceId,
    time,
    configVersion: 3,
    source: 'device',
    readings: SENSORS.map((sensor, i) => {
      const raw = Math.round(((k * 31 + i * 97) % 1000) * 100) / 100;
      return {
        sensor,
        raw,
        value: Math.round(raw * (i + 1) * 7) / 100,
        unit: UNITS[i]!,
        outOfRange: raw > 900,
      };
    }),
  };
}

/** A year of one station's ten-minute messages: 52,560 records, 525,600 readings. */
const year = Array.from({ length: 365 * 144 }, (_, k) => message(STATION, YEAR_START + k * 10 * MIN, k));

/** Requests and capacity units a DynamoDB client consumes, read from the answers' ConsumedCapacity. */
function capacityCounter(client: DynamoDBClient) {
  let requests = 0;
  let read = 0;
  let write = 0;
  const byOp: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      requests++;
      byOp[op] = (byOp[op] ?? 0) + 1;
      const units =
        (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity
          ?.CapacityUnits ?? 0;
      if (op === 'Query' || op === 'GetItem') read += units;
      else write += units;
      return result;
    },
    { step: 'initialize', name: 'benchCapacity' },
  );
  return {
    reset: () => {
      requests = read = write = 0;
      for (const k of Object.keys(byOp)) delete byOp[k];
    },
    get: () => ({ requests, read, write, byOp: { ...byOp } }),
  };
}

async function latency(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

// A collector the export's memory sampler can call: heap in use right after a full GC is what is
// live, not garbage the collector has not got to yet (the SDK's unmarshalling makes a lot).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * An export of the year through the real service and the local file sink. Run twice: once for the
 * rate, once with a full GC every 250 ms for the peak live heap (the sampling slows it down).
 */
async function exportYear(
  store: TelemetryStore,
  dir: string,
): Promise<{ rowsPerSecond: number; peakMb: number; rows: number }> {
  const sink = new FileExportSink({
    dir,
    secret: Buffer.alloc(32, 1),
    baseUrl: () => 'http://localhost:4000',
  });
  const service = new ExportService({ store, sink, sensors: { sensorsOf: async () => SENSORS } });
  const run = () =>
    service.exportReadings({
      deviceId: STATION,
      from: new Date(YEAR_START).toISOString(),
      to: new Date(NOW).toISOString(),
      sensors: null,
      format: 'CSV',
    });
  const t = performance.now();
  const answer = await run();
  const seconds = (performance.now() - t) / 1000;
  collect();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sampler = setInterval(() => {
    collect();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 250);
  await run();
  clearInterval(sampler);
  return { rowsPerSecond: answer.rows / seconds, peakMb: (peak - base) / 1024 / 1024, rows: answer.rows };
}

export default async function telemetryStoresBench(): Promise<BenchSection> {
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'yvr-bench-telemetry-'));
  const dynamo = await startDynamo({ tableName: 'yvr-bench-data' });
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint, 'local', dynamo.credentials));
  const counter = capacityCounter(client);
  await ensureTelemetryTable(client, 'yvr-bench-telemetry');
  const ddb = new DynamoDbTelemetryStore({ client, tableName: 'yvr-bench-telemetry', clock: () => NOW });
  const duck = await DuckDbTelemetryStore.open({ path: ':memory:' });

  try {
    // ---- writes per 100 messages
    // Steady state: a batch holds at most one message per station (one every 10 minutes, a 5 s window).
    const fleet = Array.from({ length: 100 }, (_, i) =>
      message(`buoy-${String(i + 1).padStart(3, '0')}`, NOW - 10 * MIN, i),
    );
    counter.reset();
    await ddb.write(fleet);
    const steady = counter.get();
    // Backfill: 100 consecutive messages of one station (a buoy back after days offline).
    const backfill = Array.from({ length: 100 }, (_, k) =>
      message('buoy-bf', NOW - 30 * DAY + k * 10 * MIN, k),
    );
    counter.reset();
    await ddb.write(backfill);
    const late = counter.get();
    const tsUnits = (records: TelemetryRecord[]) => requestWriteUnits(packRequest(records));
    figures.push(
      {
        name: 'write requests / 100 messages, 100 stations: DynamoDB',
        value: steady.requests,
        unit: 'requests',
      },
      { name: 'write capacity / 100 messages, 100 stations: DynamoDB', value: steady.write, unit: 'WCU' },
      {
        name: 'read capacity (rollup recompute) / 100 messages, 100 stations: DynamoDB',
        value: steady.read,
        unit: 'RCU',
      },
      {
        name: 'write requests / 100 messages, one station backfill: DynamoDB',
        value: late.requests,
        unit: 'requests',
      },
      {
        name: 'write capacity / 100 messages, one station backfill: DynamoDB',
        value: late.write,
        unit: 'WCU',
      },
      { name: 'read capacity / 100 messages, one station backfill: DynamoDB', value: late.read, unit: 'RCU' },
      { name: 'write requests / 100 messages: Timestream', value: 1, unit: 'requests' },
      {
        name: 'write units / 100 messages, 100 stations: Timestream',
        value: tsUnits(fleet),
        unit: 'KiB units',
      },
      { name: 'write requests / 100 messages: DuckDB', value: 2, unit: 'statements' },
    );
    notes.push(
      `DynamoDB steady-state batch by operation: ${JSON.stringify(steady.byOp)}; backfill: ${JSON.stringify(late.byOp)}`,
    );

    process.stderr.write('  telemetry-stores: loading a year of one station ...\n');
    // ---- a year of one station into DynamoDB and DuckDB, in full SQS batches
    let t = performance.now();
    counter.reset();
    for (let i = 0; i < year.length; i += 100) await ddb.write(year.slice(i, i + 100));
    const loaded = counter.get();
    const ddbLoadS = (performance.now() - t) / 1000;
    t = performance.now();
    for (let i = 0; i < year.length; i += 100) await duck.write(year.slice(i, i + 100));
    const duckLoadS = (performance.now() - t) / 1000;
    notes.push(
      `loading a year of one station (${year.length} messages): DynamoDB on dynalite ${ddbLoadS.toFixed(1)} s ` +
        `(${loaded.requests} requests, ${Math.round(loaded.write)} WCU, ${Math.round(loaded.read)} RCU), DuckDB ${duckLoadS.toFixed(1)} s`,
    );

    // ---- Timestream by request counting: a week of the station through the SDK clients and the fake
    const fake = await FakeTimestream.open('yvr-bench-db', 'calibrated_device_data', 10_000);
    const writeMock = mockClient(TimestreamWriteClient);
    const queryMock = mockClient(TimestreamQueryClient);
    const tsCalls = { write: 0, query: 0 };
    writeMock.on(WriteRecordsCommand).callsFake((input: WriteRecordsCommandInput) => {
      tsCalls.write++;
      return fake.writeRecords(input);
    });
    queryMock.on(QueryCommand).callsFake((input) => {
      tsCalls.query++;
      return fake.query(input);
    });
    const timestream = new TimestreamTelemetryStore({
      database: 'yvr-bench-db',
      table: 'calibrated_device_data',
      writer: new TimestreamWriter({
        database: 'yvr-bench-db',
        table: 'calibrated_device_data',
        client: new TimestreamWriteClient({ region: 'us-west-2' }),
        retry: { sleep: async () => undefined },
      }),
      queryClient: new TimestreamQueryClient({ region: 'us-west-2' }),
      magneticStoreRetentionDays: 400,
      clock: () => NOW,
    });
    const week = year.slice(-7 * 144);
    for (let i = 0; i < week.length; i += 100) await timestream.write(week.slice(i, i + 100));
    await timestream.latest(STATION, SENSORS); // the column list (DESCRIBE) is cached for 5 minutes

    // ---- reads
    const queries: { name: string; run: (s: TelemetryStore) => Promise<unknown> }[] = [
      { name: 'latestReadings', run: (s) => s.latest(STATION, SENSORS) },
      {
        name: 'a day of 5 m buckets',
        run: (s) =>
          s.range({
            deviceId: STATION,
            sensor: 'ph',
            from: NOW - DAY,
            to: NOW,
            intervalMs: 5 * MIN,
            limit: 1000,
          }),
      },
      {
        name: 'a week of 1 h buckets',
        run: (s) =>
          s.range({
            deviceId: STATION,
            sensor: 'ph',
            from: NOW - 7 * DAY,
            to: NOW,
            intervalMs: HOUR,
            limit: 1000,
          }),
      },
      {
        name: 'a year of 1 d buckets',
        run: (s) =>
          s.range({
            deviceId: STATION,
            sensor: 'ph',
            from: YEAR_START,
            to: NOW,
            intervalMs: DAY,
            limit: 1000,
          }),
      },
      {
        name: 'a day of raw points',
        run: (s) => s.range({ deviceId: STATION, sensor: 'ph', from: NOW - DAY, to: NOW, limit: 1000 }),
      },
    ];
    for (const q of queries) {
      counter.reset();
      await q.run(ddb);
      const c = counter.get();
      figures.push(
        { name: `${q.name}: DynamoDB requests`, value: c.requests, unit: 'requests' },
        { name: `${q.name}: DynamoDB read capacity`, value: c.read, unit: 'RCU' },
      );
      tsCalls.query = 0;
      // The year query on Timestream sees only the week loaded into the fake; requests do not depend on it.
      await q.run(timestream);
      figures.push({ name: `${q.name}: Timestream requests`, value: tsCalls.query, unit: 'requests' });
      const ddbMs = await latency(() => q.run(ddb));
      const duckMs = await latency(() => q.run(duck));
      figures.push(
        { name: `${q.name}: local latency p50, DynamoDB on dynalite`, value: ddbMs, unit: 'ms' },
        {
          name: `${q.name}: local latency p50, DuckDB`,
          value: duckMs,
          unit: 'ms',
          reference: { name: 'DynamoDB', value: ddbMs },
        },
      );
    }
    fake.close();
    writeMock.restore();
    queryMock.restore();

    process.stderr.write('  telemetry-stores: exporting a year ...\n');
    // ---- export a year of the station (525,600 rows)
    counter.reset();
    const ddbExport = await exportYear(ddb, join(dir, 'ddb'));
    const exportCapacity = counter.get();
    // Two runs were counted.
    exportCapacity.requests /= 2;
    exportCapacity.read /= 2;
    const duckExport = await exportYear(duck, join(dir, 'duck'));
    figures.push(
      { name: 'export a year, 10 sensors: rows', value: ddbExport.rows, unit: 'rows' },
      { name: 'export a year: DynamoDB rows/s (dynalite)', value: ddbExport.rowsPerSecond, unit: 'rows/s' },
      { name: 'export a year: DynamoDB peak live heap growth', value: ddbExport.peakMb, unit: 'MB' },
      { name: 'export a year: DynamoDB requests', value: exportCapacity.requests, unit: 'requests' },
      { name: 'export a year: DynamoDB read capacity', value: exportCapacity.read, unit: 'RCU' },
      {
        name: 'export a year: DuckDB rows/s',
        value: duckExport.rowsPerSecond,
        unit: 'rows/s',
        reference: { name: 'DynamoDB', value: ddbExport.rowsPerSecond },
      },
      { name: 'export a year: DuckDB peak live heap growth', value: duckExport.peakMb, unit: 'MB' },
    );
    notes.push(
      'Timestream bills queries by compute (TCU-hours), not by request; its figures here are request counts only.',
      'Capacity units: dynalite computes them as DynamoDB does (4 KiB per read unit, eventually consistent reads half, 1 KiB per write unit).',
    );
  } finally {
    await duck.close();
    client.destroy();
    await dynamo.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return { title: 'Telemetry stores: DuckDB, DynamoDB, Timestream', figures, notes };
}
