import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CalibrationLogConnection,
  CalibrationLogEntry,
  ReadingConnection,
  RecalibrationResult,
} from '../../../core/generated/graphql';
import { createIngestionPipeline } from '../../../core/ingestion/pipeline';
import { createQualityAssessor } from '../../../core/quality/assessor';
import { DynamoCalibrationLog } from '../../../core/quality/dynamodb-calibration-log';
import { QualityService } from '../../../core/quality/service';
import { DynamoDeviceStore } from '../../../core/devices';
import { DuckDbTelemetryStore } from '../../../core/telemetry';
import { startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { createApi, type Api } from '../../../resolvers/api/app';
import { buildApiDeps, documentClientOf } from '../../../resolvers/api/deps';
import { admin, dataOf, errorOf, mutation, query, user } from '../../../testkit/appsync-event';
import { FakePublisher } from '../../helpers/devices-harness';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 8);
const encoder = new TextEncoder();

let dynamo: EmbeddedDynamo;
let telemetry: DuckDbTelemetryStore;
let api: Api;
let process: (values: number[], start: number) => Promise<void>;

const calibration = (slope: number) => ({
  points: [
    { raw: 0, actual: 0 },
    { raw: 1000, actual: 14 * slope },
  ],
});

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: 'yvr-test-data' });
  telemetry = await DuckDbTelemetryStore.open({ path: ':memory:' });
  // Only the areas these tests drive: no Cognito or IoT client.
  const deps = buildApiDeps(
    {
      dynamo: dynamo.client,
      tableName: dynamo.tableName,
      telemetryStore: telemetry,
      configPublisher: new FakePublisher(),
      logger: new Logger({ serviceName: 'quality-test', logLevel: 'SILENT' }),
    },
    ['devices', 'telemetry', 'quality'],
  );
  api = createApi(deps);
  const store = new DynamoDeviceStore({
    client: documentClientOf(dynamo.client),
    tableName: dynamo.tableName,
  });
  const pipeline = createIngestionPipeline({
    devices: store,
    telemetry,
    acks: deps.devices,
    notifier: { deviceChanged: async () => undefined },
    lastSeen: store,
    quality: createQualityAssessor(),
  });
  // One message per value, one minute apart, each in its own batch as a slow station sends them.
  process = async (raws, start) => {
    for (const [i, raw] of raws.entries()) {
      const time = start + i * MIN;
      const [outcome] = await pipeline.process([
        {
          topic: 'devices/q1/readings',
          payload: encoder.encode(JSON.stringify({ ts: time, readings: { ph: raw } })),
          receivedAt: time + 10,
        },
      ]);
      expect(outcome?.status).toBe('accepted');
    }
  };
  dataOf(
    await api.resolve(
      mutation('createDevice', {
        input: {
          id: 'q1',
          name: 'Quality buoy',
          sensors: [
            {
              id: 'ph',
              measurement: 'ph',
              unit: 'pH',
              calibration: calibration(1),
              qc: { spikeSuspect: 0.5, spikeFail: 1 },
            },
          ],
        },
      }),
    ),
  );
});

afterAll(async () => {
  await telemetry.close();
  await dynamo.stop();
});

const readings = async (args: Record<string, unknown> = {}) =>
  dataOf<ReadingConnection>(
    await api.resolve(
      query(
        'readings',
        {
          deviceId: 'q1',
          sensor: 'ph',
          from: new Date(T0).toISOString(),
          to: new Date(T0 + 60 * MIN).toISOString(),
          ...args,
        },
        { identity: user() },
      ),
    ),
  );

describe('quality flags through the API', () => {
  it('flags a spike and an off-scale value, hides them with minQuality, and leaves them out of buckets', async () => {
    // raw 500 -> pH 7; 1000 -> pH 14 is on the scale, 1100 -> 15.4 is off it.
    await process([500, 505, 650, 510, 1100, 515, 520], T0);
    const all = await readings();
    expect(all.items.map((p) => [p.value, p.qcFlag, p.qcTests])).toEqual([
      [7, 1, []],
      // The spike test flags the neighbours of a spike too: half its height is their distance.
      [7.07, 3, ['spike']],
      [9.1, 4, ['spike']],
      [7.14, 4, ['spike']],
      [15.4, 4, ['gross_range', 'spike', 'rate_of_change']],
      [7.21, 4, ['spike']],
      [7.28, 1, []],
    ]);
    const passing = await readings({ minQuality: 3 });
    expect(passing.items.map((p) => p.value)).toEqual([7, 7.07, 7.28]);
    const [bucket] = (await readings({ interval: '1h' })).items;
    expect(bucket).toMatchObject({ count: 3, excluded: 4, max: 7.28 });
    const error = errorOf(
      await api.resolve(
        query('readings', {
          deviceId: 'q1',
          sensor: 'ph',
          from: new Date(T0).toISOString(),
          to: new Date(T0 + MIN).toISOString(),
          minQuality: 9,
        }),
      ),
    );
    expect(error).toMatchObject({ errorType: 'ValidationError' });
    expect(error.message).toContain('minQuality');
  });
});

describe('calibration log', () => {
  it('logs a calibration change with the points before and after, and a maintenance note with its drift', async () => {
    dataOf(
      await api.resolve(
        mutation('updateDevice', {
          input: {
            id: 'q1',
            sensors: [
              {
                id: 'ph',
                measurement: 'ph',
                unit: 'pH',
                calibration: calibration(0.5),
                qc: { spikeSuspect: 0.5, spikeFail: 1 },
              },
            ],
          },
        }),
      ),
    );
    const note = dataOf<CalibrationLogEntry>(
      await api.resolve(
        mutation('addMaintenanceNote', {
          deviceId: 'q1',
          sensorId: 'ph',
          kind: 'CHECK',
          note: 'buffer check after cleaning',
          references: [
            { reference: 7, measured: 7.2 },
            { reference: 4, measured: 4.4 },
          ],
        }),
      ),
    );
    expect(note).toMatchObject({ kind: 'MAINTENANCE', maintenanceKind: 'CHECK', by: 'ada' });
    expect(note.drift).toBeCloseTo(0.3, 9);

    const log = dataOf<CalibrationLogConnection>(
      await api.resolve(
        query('calibrationLog', { deviceId: 'q1', sensorId: 'ph', limit: 1 }, { identity: user() }),
      ),
    );
    expect(log.items).toHaveLength(1);
    expect(log.items[0]?.id).toBe(note.id);
    const rest = dataOf<CalibrationLogConnection>(
      await api.resolve(
        query('calibrationLog', { deviceId: 'q1', sensorId: 'ph', limit: 10, nextToken: log.nextToken }),
      ),
    );
    const change = rest.items.find((e) => e.kind === 'CALIBRATION' && e.configVersion === 2);
    expect(change?.before?.points).toEqual(calibration(1).points);
    expect(change?.after?.points).toEqual(calibration(0.5).points);
    expect(change?.by).toBe('ada');
  });

  it('refuses a maintenance note from a user and one for a sensor the device lacks', async () => {
    const byUser = await api.resolve(
      mutation('addMaintenanceNote', { deviceId: 'q1', kind: 'CLEANING' }, { identity: user() }),
    );
    expect(errorOf(byUser).errorType).toBe('Unauthorized');
    const ghost = await api.resolve(
      mutation('addMaintenanceNote', { deviceId: 'q1', sensorId: 'zz', kind: 'CLEANING' }),
    );
    expect(errorOf(ghost)).toMatchObject({ errorType: 'NotFound' });
  });
});

describe('recalibrateReadings', () => {
  const range = {
    deviceId: 'q1',
    sensorId: 'ph',
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 60 * MIN).toISOString(),
  };

  it('recomputes values from raw with the chosen version, leaves raw as it was, and changes nothing the second time', async () => {
    const before = await readings();
    const result = dataOf<RecalibrationResult>(await api.resolve(mutation('recalibrateReadings', range)));
    expect(result).toMatchObject({ version: 2, scanned: 7, changed: 7, complete: true, resumeFrom: null });
    const after = await readings();
    expect(after.items.map((p) => p.raw)).toEqual(before.items.map((p) => p.raw));
    expect(after.items.map((p) => p.value)).toEqual([3.5, 3.54, 4.55, 3.57, 7.7, 3.61, 3.64]);
    // pH 7.7 is on the scale now: the off-scale failure is gone, the spikes are halved but still there.
    expect(after.items[4]).toMatchObject({ qcFlag: 4, qcTests: ['spike', 'rate_of_change'] });

    const again = dataOf<RecalibrationResult>(await api.resolve(mutation('recalibrateReadings', range)));
    expect(again).toMatchObject({ scanned: 7, changed: 0 });
    expect(await readings()).toEqual(after);

    const back = dataOf<RecalibrationResult>(
      await api.resolve(mutation('recalibrateReadings', { ...range, version: 1 })),
    );
    expect(back).toMatchObject({ version: 1, changed: 7 });
    expect((await readings()).items.map((p) => p.value)).toEqual(before.items.map((p) => p.value));

    const log = dataOf<CalibrationLogConnection>(
      await api.resolve(query('calibrationLog', { deviceId: 'q1', limit: 3 })),
    );
    expect(log.items.map((e) => [e.kind, e.configVersion, e.changed])).toEqual([
      ['RECALIBRATION', 1, 7],
      ['RECALIBRATION', 2, 0],
      ['RECALIBRATION', 2, 7],
    ]);
  });

  it('stops at its time budget with resumeFrom, and the next call from there finishes the range', async () => {
    const documents = documentClientOf(dynamo.client);
    let t = 0;
    const service = new QualityService({
      log: new DynamoCalibrationLog({ client: documents, tableName: dynamo.tableName }),
      devices: new DynamoDeviceStore({ client: documents, tableName: dynamo.tableName }),
      telemetry,
      // Every clock read is a second later: the 2.5 s budget runs out after the first page.
      clock: () => (t += 1_000),
      recalibrationBudgetMs: 2_500,
      recalibrationPageSize: 3,
    });
    const first = await service.recalibrateReadings({ ...range, version: 2 }, 'ada');
    expect(first).toMatchObject({ complete: false, scanned: 3 });
    expect(first.resumeFrom).toBe(new Date(T0 + 2 * MIN).toISOString());
    // Each call goes on from where the last one stopped until the range is done.
    let last = first;
    let calls = 1;
    while (!last.complete && calls < 10) {
      last = await service.recalibrateReadings({ ...range, from: last.resumeFrom!, version: 2 }, 'ada');
      calls++;
    }
    expect(last.complete).toBe(true);
    expect(calls).toBeGreaterThan(1);
    expect((await readings()).items.map((p) => p.value)).toEqual([3.5, 3.54, 4.55, 3.57, 7.7, 3.61, 3.64]);
  });

  it('is for admins only and names a version the device never had', async () => {
    expect(
      errorOf(await api.resolve(mutation('recalibrateReadings', range, { identity: user() }))).errorType,
    ).toBe('Unauthorized');
    expect(
      errorOf(await api.resolve(mutation('recalibrateReadings', { ...range, version: 99 }))),
    ).toMatchObject({
      errorType: 'NotFound',
    });
    expect(
      errorOf(await api.resolve(mutation('recalibrateReadings', { ...range, from: range.to }))),
    ).toMatchObject({
      errorType: 'ValidationError',
    });
  });
});

// The admin identity is the default of the event helpers; named here so the intent reads.
void admin;
