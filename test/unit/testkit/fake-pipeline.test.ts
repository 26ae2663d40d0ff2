import { describe, expect, it } from 'vitest';
import { devicesOf, fakePipeline } from '../../../testkit/fake-pipeline';
import { MemoryTelemetry, NOW, device, message, tenSensorMessage } from '../../../testkit/telemetry-fixtures';

const ack = message('devices/b1/config/ack', { version: 3, status: 'applied' });

describe('fakePipeline', () => {
  it('stores a reading of b1 at NOW and touches its last-seen time, with nothing given', async () => {
    const { pipeline, telemetry, lastSeen } = fakePipeline();
    const [outcome] = await pipeline.process([tenSensorMessage()]);
    expect(outcome?.status).toBe('accepted');
    expect(telemetry).toBeInstanceOf(MemoryTelemetry);
    expect(telemetry.written).toHaveLength(1);
    expect(lastSeen.calls).toEqual([{ id: 'b1', at: new Date(NOW).toISOString() }]);
  });

  it('looks devices up in the lookup given, and acks against the devices given', async () => {
    const devices = devicesOf(device('b7'));
    const looked: string[] = [];
    const { pipeline, acks } = fakePipeline({
      devices,
      lookup: { get: async (id) => (looked.push(id), devices.get(id)) },
    });
    await pipeline.process([
      tenSensorMessage('b7'),
      message('devices/b7/config/ack', { version: 3, status: 'applied' }),
    ]);
    expect(looked).toEqual(['b7']);
    expect(acks.calls.map((c) => c.deviceId)).toEqual(['b7']);
  });

  it('writes to the telemetry given, on the clock given', async () => {
    // Half an hour ahead of NOW is too far in the future, but not for a clock an hour later.
    const ahead = message('devices/b1/readings', { ts: NOW + 1_800_000, readings: { ph: 1 } });
    const telemetry = new MemoryTelemetry();
    const later = fakePipeline({ telemetry, clock: () => NOW + 3_600_000 });
    expect((await fakePipeline().pipeline.process([ahead]))[0]?.status).toBe('rejected');
    expect((await later.pipeline.process([ahead]))[0]?.status).toBe('accepted');
    expect(later.telemetry).toBe(telemetry);
    expect(telemetry.written.map((r) => r.time)).toEqual([NOW + 1_800_000]);
  });

  it('makes acks fail as told: recording with ackFailure, notifying with notifierFails', async () => {
    const recording = fakePipeline({ ackFailure: new Error('throttled') });
    const notifying = fakePipeline({ notifierFails: true });
    expect((await recording.pipeline.process([ack]))[0]?.status).toBe('retry');
    expect((await notifying.pipeline.process([ack]))[0]?.status).toBe('retry');
    expect(notifying.acks.calls).toHaveLength(1);
  });
});

describe('devicesOf', () => {
  it('holds exactly the devices given, by id', async () => {
    const devices = devicesOf(device('a'), { ...device('b'), enabled: false });
    expect([...devices.devices.keys()]).toEqual(['a', 'b']);
    expect((await devices.get('b'))?.enabled).toBe(false);
    expect(await devices.get('b1')).toBeUndefined();
  });
});
