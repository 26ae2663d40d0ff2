import { describe, expect, it } from 'vitest';
import {
  FakeDevices,
  MemoryTelemetry,
  NOW,
  device,
  message,
  pipelineOnFakes,
  tenSensorMessage,
} from '../../../testkit/telemetry-fixtures';

describe('pipelineOnFakes', () => {
  it('runs device b1 with ten sensors into a memory sink, on the fixed clock', async () => {
    const { pipeline, telemetry, devices, lastSeen } = pipelineOnFakes();
    const [outcome] = await pipeline.process([tenSensorMessage('b1', NOW - 60_000)]);
    expect(outcome?.status).toBe('accepted');
    expect(telemetry).toBeInstanceOf(MemoryTelemetry);
    expect(telemetry.written).toHaveLength(1);
    expect(telemetry.written[0]?.readings).toHaveLength(10);
    expect(devices.reads).toBe(1);
    expect(lastSeen.calls.map((c) => c.id)).toEqual(['b1']);
  });

  it('uses the telemetry sink and devices it is given', async () => {
    const telemetry = new MemoryTelemetry();
    const devices = new FakeDevices(new Map([['b9', device('b9')]]));
    const run = pipelineOnFakes({ telemetry, devices });
    expect(run.telemetry).toBe(telemetry);
    const outcomes = await run.pipeline.process([
      tenSensorMessage('b9'),
      message('devices/b1/readings', { ts: NOW - 1000, readings: { ph: 1 } }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'rejected']);
    expect(telemetry.written.map((r) => r.deviceId)).toEqual(['b9']);
  });

  it('refuses a reading from after its clock as from the future', async () => {
    const { pipeline } = pipelineOnFakes({ clock: () => NOW - 3_600_000 });
    const [outcome] = await pipeline.process([tenSensorMessage('b1', NOW)]);
    expect(outcome?.status === 'rejected' && outcome.reason).toMatch(/future/i);
  });

  it('hands a failing ack and notifier to the pipeline', async () => {
    const { pipeline, acks } = pipelineOnFakes({ ackFailure: new Error('acks down'), notifierFails: true });
    const outcomes = await pipeline.process([
      message('devices/b1/config/ack', { version: 1, status: 'applied' }),
    ]);
    expect(acks.calls).toHaveLength(1);
    expect(outcomes[0]?.status).not.toBe('accepted');
  });
});
