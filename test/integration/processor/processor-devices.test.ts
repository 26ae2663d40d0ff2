import { describe, expect, it } from 'vitest';
import { sensorInput } from '../../../testkit/device-inputs';
import { useDuckDb, useDynamo } from '../../../testkit/embedded';
import { message, sqsEvent, sqsRecord } from '../../../testkit/telemetry-fixtures';
import { wireProcessor } from '../../helpers/reliability-harness';

// The processor wired as handler.ts wires it, against the real device store and
// service on dynalite and the DuckDB telemetry store: the ports meet the real objects.
const dynamo = useDynamo();
const telemetry = useDuckDb();

describe('calibration processor with the real device store', () => {
  it('calibrates with the device sensors, writes lastSeenAt, records acks and keeps rejections', async () => {
    const { devices, notifier, rejected, handle } = wireProcessor(dynamo, telemetry);
    const ph = sensorInput(
      'ph',
      [
        [2.3, 4.5],
        [3.3, 18.5],
      ],
      { unit: 'pH', min: 0, max: 14 },
    );
    await devices.createDevice({ id: 'buoy-7', name: 'Buoy 7', sensors: [ph] }, 'test');
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
