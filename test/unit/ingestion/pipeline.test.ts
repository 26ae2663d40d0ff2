import { describe, expect, it } from 'vitest';
import type { MessageOutcome } from '../../../core/ingestion';
import { devicesOf, fakePipeline } from '../../../testkit/fake-pipeline';
import {
  FakeDevices,
  NOW,
  calibration,
  device,
  message,
  sensor,
  tenSensorMessage,
} from '../../../testkit/telemetry-fixtures';

const reasons = (outcomes: MessageOutcome[]) =>
  outcomes.map((o) => (o.status === 'accepted' ? 'accepted' : o.reason));

describe('ingestion pipeline', () => {
  it('writes one record per message with raw, value, unit, outOfRange and configVersion', async () => {
    const { pipeline, telemetry } = fakePipeline({
      devices: devicesOf(
        device('b1', [
          sensor('ph', {
            unit: 'pH',
            max: 10,
            calibration: calibration([
              [2.3, 4.5],
              [3.3, 18.5],
            ]),
          }),
        ]),
      ),
    });
    const [outcome] = await pipeline.process([
      message('devices/b1/readings', { ts: NOW - 1000, readings: { ph: '0' } }),
    ]);
    expect(outcome?.status).toBe('accepted');
    expect(telemetry.written).toEqual([
      {
        deviceId: 'b1',
        time: NOW - 1000,
        configVersion: 3,
        source: 'device',
        readings: [{ sensor: 'ph', raw: 0, value: -27.7, unit: 'pH', outOfRange: false }],
      },
    ]);
  });

  it('writes the whole batch in one call and looks each device up once', async () => {
    const { pipeline, telemetry, devices } = fakePipeline();
    const batch = Array.from({ length: 50 }, (_, i) => tenSensorMessage('b1', NOW - 60_000 * (i + 1), i));
    const outcomes = await pipeline.process(batch);
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(telemetry.calls).toBe(1);
    expect(telemetry.written).toHaveLength(50);
    expect(devices.reads).toBe(1);
  });

  it('stores the good readings of a message and rejects only the bad sensors, naming them', async () => {
    const { pipeline, telemetry } = fakePipeline({
      devices: devicesOf(
        device('b1', [sensor('ph'), sensor('tmp', { enabled: false }), sensor('do', { calibration: null })]),
      ),
    });
    const [outcome] = await pipeline.process([
      message('devices/b1/readings', { readings: { ph: 1, tmp: 2, do: 3, xyz: 4, co2: 'abc' } }),
    ]);
    expect(outcome).toMatchObject({ status: 'rejected', partial: true });
    const reason = outcome?.status === 'rejected' ? outcome.reason : '';
    expect(reason).toMatch(/sensor "tmp": is disabled/);
    expect(reason).toMatch(/sensor "do": has no calibration/);
    expect(reason).toMatch(/sensor "xyz": is not a sensor of device b1/);
    expect(reason).toMatch(/sensor "co2"/);
    expect(telemetry.written.map((r) => r.readings.map((x) => x.sensor))).toEqual([['ph']]);
  });

  it('rejects a message whose sensors are all unusable without writing anything', async () => {
    const { pipeline, telemetry } = fakePipeline();
    const [outcome] = await pipeline.process([message('devices/b1/readings', { readings: { nope: 1 } })]);
    expect(outcome).toMatchObject({ status: 'rejected', partial: false });
    expect(telemetry.calls).toBe(0);
  });

  it('rejects an unknown device and a disabled device', async () => {
    const devices = devicesOf({ ...device('off'), enabled: false });
    const { pipeline } = fakePipeline({ devices });
    const outcomes = await pipeline.process([
      message('devices/ghost/readings', { readings: { ph: 1 } }),
      message('devices/off/readings', { readings: { ph: 1 } }),
    ]);
    expect(reasons(outcomes)).toEqual(['unknown device "ghost"', 'device "off" is disabled']);
  });

  it('turns every bad-input class into a rejection, never a throw', async () => {
    const { pipeline } = fakePipeline();
    const outcomes = await pipeline.process([
      message('devices/b1/readings', '{bad'),
      message('devices/b1/readings', new Uint8Array([0xc3, 0x28])),
      message('nowhere', { readings: { ph: 1 } }),
      message('devices/b1/readings', { ts: NOW + 3_600_000, readings: { ph: 1 } }),
      message('devices/b1/readings', { ts: 1, readings: { ph: 1 } }),
      message('b1/reading/sensor/ph', { value: 'NaN' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('rejected'));
  });

  it('fails only the records the store could not take, as retry or rejection', async () => {
    const { pipeline, telemetry } = fakePipeline();
    telemetry.failWith = (_r, i) =>
      i === 0
        ? { reason: 'throttled', retryable: true }
        : i === 1
          ? { reason: 'outside retention', retryable: false }
          : undefined;
    const outcomes = await pipeline.process([
      tenSensorMessage('b1', NOW - 3000, 1),
      tenSensorMessage('b1', NOW - 2000, 2),
      tenSensorMessage('b1', NOW - 1000, 3),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['retry', 'rejected', 'accepted']);
    expect(reasons(outcomes)[1]).toMatch(/telemetry store refused it: outside retention/);
  });

  it('retries messages whose device lookup failed', async () => {
    const devices = new FakeDevices();
    devices.get = async () => {
      throw new Error('ProvisionedThroughputExceeded');
    };
    const { pipeline } = fakePipeline({ devices });
    const [outcome] = await pipeline.process([tenSensorMessage()]);
    expect(outcome?.status).toBe('retry');
  });

  it('writes lastSeenAt once per device per batch with the latest receive time', async () => {
    const devices = devicesOf(device('b1'), device('b2'));
    const { pipeline, lastSeen } = fakePipeline({ devices });
    await pipeline.process([
      message('devices/b1/readings', { readings: { ph: 1 } }, NOW - 3000),
      message('devices/b1/readings', { readings: { ph: 2 } }, NOW - 1000),
      message('devices/b2/readings', { readings: { ph: 2 } }, NOW - 2000),
      message('devices/b1/readings', { readings: { ph: 3 } }, NOW - 2000),
    ]);
    expect(lastSeen.calls.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'b1', at: new Date(NOW - 1000).toISOString() },
      { id: 'b2', at: new Date(NOW - 2000).toISOString() },
    ]);
  });

  it('records an ack and notifies subscribers', async () => {
    const { pipeline, acks, notifier } = fakePipeline();
    const [outcome] = await pipeline.process([
      message('devices/b1/config/ack', { version: 3, status: 'applied' }),
    ]);
    expect(outcome?.status).toBe('accepted');
    expect(acks.calls).toEqual([
      { deviceId: 'b1', version: 3, status: 'applied', receivedAt: new Date(NOW).toISOString() },
    ]);
    expect(notifier.calls).toEqual(['b1']);
  });

  it('rejects an ack for an unknown device or a version never issued', async () => {
    const { pipeline, notifier } = fakePipeline();
    const outcomes = await pipeline.process([
      message('devices/ghost/config/ack', { version: 1, status: 'applied' }),
      message('devices/b1/config/ack', { version: 99, status: 'applied' }),
    ]);
    expect(reasons(outcomes)[0]).toBe('unknown device "ghost"');
    expect(reasons(outcomes)[1]).toMatch(/config ack: version: 99 was never issued/);
    expect(notifier.calls).toEqual([]);
  });

  it('retries an ack when recording it or notifying fails', async () => {
    const failing = fakePipeline({ ackFailure: new Error('throttled') });
    const notifying = fakePipeline({ notifierFails: true });
    const ack = message('devices/b1/config/ack', { version: 3, status: 'applied' });
    expect((await failing.pipeline.process([ack]))[0]?.status).toBe('retry');
    expect((await notifying.pipeline.process([ack]))[0]?.status).toBe('retry');
  });

  it('tells the device cache about acks before calibrating the batch', async () => {
    const events: string[] = [];
    const devices = new FakeDevices();
    const lookup = {
      get: async (id: string) => {
        events.push(`get ${id}`);
        return devices.get(id);
      },
      observeVersion: (id: string, v: number) => events.push(`observe ${id} ${v}`),
      remember: (d: { id: string; configVersion: number }) =>
        events.push(`remember ${d.id} ${d.configVersion}`),
    };
    const { pipeline } = fakePipeline({ devices, lookup });
    await pipeline.process([
      tenSensorMessage(),
      message('devices/b1/config/ack', { version: 3, status: 'applied' }),
    ]);
    expect(events).toEqual(['observe b1 3', 'remember b1 3', 'get b1']);
  });
});
