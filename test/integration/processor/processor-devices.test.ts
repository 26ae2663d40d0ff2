import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceService, DynamoDeviceStore } from '../../../core/devices';
import { createIngestionPipeline } from '../../../core/ingestion';
import { DynamoRejectedStore, RejectedMessageService } from '../../../core/rejected';
import { DuckDbTelemetryStore } from '../../../core/telemetry';
import { startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { createSqsBatchHandler } from '../../../processors/calibration/batch';
import { DeviceCache } from '../../../processors/calibration/device-cache';
import { FakePublisher } from '../../helpers/devices-harness';
import { FakeNotifier, message, sqsEvent, sqsRecord } from '../../../testkit/telemetry-fixtures';

// The processor wired as handler.ts wires it, against the real device store and
// service on dynalite and the DuckDB telemetry store: the ports meet the real objects.
let dynamo: EmbeddedDynamo;
let telemetry: DuckDbTelemetryStore;
const silent = new Logger({ serviceName: 'processor-test', logLevel: 'SILENT' });

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: 'yvr-test-data' });
  telemetry = await DuckDbTelemetryStore.open({ path: ':memory:' });
});
afterAll(async () => {
  await telemetry.close();
  await dynamo.stop();
});

function wire() {
  const documents = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store = new DynamoDeviceStore({ client: documents, tableName: dynamo.tableName });
  const devices = new DeviceService({ store, publisher: new FakePublisher(), logger: silent });
  const notifier = new FakeNotifier();
  const pipeline = createIngestionPipeline({
    devices: new DeviceCache({ source: store }),
    telemetry,
    acks: devices,
    notifier,
    lastSeen: store,
    logger: silent,
  });
  const rejected = new RejectedMessageService({
    store: new DynamoRejectedStore({ client: documents, tableName: dynamo.tableName }),
    pipeline,
  });
  return {
    devices,
    notifier,
    rejected,
    handle: createSqsBatchHandler({ pipeline, rejected, logger: silent }),
  };
}

describe('calibration processor with the real device store', () => {
  it('calibrates with the device sensors, writes lastSeenAt, records acks and keeps rejections', async () => {
    const { devices, notifier, rejected, handle } = wire();
    await devices.createDevice(
      {
        id: 'buoy-7',
        name: 'Buoy 7',
        sensors: [
          {
            id: 'ph',
            measurement: 'ph',
            unit: 'pH',
            min: 0,
            max: 14,
            calibration: {
              points: [
                { raw: 2.3, actual: 4.5 },
                { raw: 3.3, actual: 18.5 },
              ],
            },
          },
        ],
      },
      'test',
    );
    const now = Date.now();
    const response = await handle(
      sqsEvent([
        sqsRecord(
          message('devices/buoy-7/readings', { ts: now - 1000, readings: { ph: '2.5', xyz: 1 } }, now),
          'r1',
        ),
        sqsRecord(message('devices/buoy-7/config/ack', { version: 1, status: 'applied' }, now), 'r2'),
        sqsRecord(message('devices/ghost/readings', { readings: { ph: 1 } }, now), 'r3'),
      ]),
    );
    expect(response).toEqual({ batchItemFailures: [] });

    const [latest] = await telemetry.latest('buoy-7');
    expect(latest).toMatchObject({
      sensor: 'ph',
      raw: 2.5,
      value: 7.3,
      unit: 'pH',
      outOfRange: false,
      configVersion: 1,
    });

    const device = await devices.device('buoy-7');
    expect(device?.lastSeenAt).toBe(new Date(now).toISOString());
    expect(device).toMatchObject({ reportedConfigVersion: 1, configStatus: 'APPLIED' });
    expect(notifier.calls).toEqual(['buoy-7']);

    const kept = await rejected.list({});
    expect(kept.items.map((m) => [m.deviceId, m.reason]).sort()).toEqual([
      ['buoy-7', 'sensor "xyz": is not a sensor of device buoy-7'],
      ['ghost', 'unknown device "ghost"'],
    ]);
  });
});
