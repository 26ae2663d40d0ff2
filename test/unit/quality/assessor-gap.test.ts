import { describe, expect, it } from 'vitest';
import { createQualityAssessor, type QcDevice } from '../../../core/quality/assessor';
import type { TelemetryRecord } from '../../../core/telemetry/types';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 8);
const device: QcDevice = { id: 'b1', sensors: [{ id: 'ph', measurement: 'ph', unit: 'pH', qc: null }] };

const rec = (minutes: number, ph: number): TelemetryRecord => ({
  deviceId: 'b1',
  time: T0 + minutes * MIN,
  configVersion: 1,
  source: 'device',
  version: 1,
  readings: [{ sensor: 'ph', raw: ph * 10, value: ph, unit: 'pH', outOfRange: false }],
});

describe('quality assessor after a gap', () => {
  it('runs the neighbour tests again on the readings after a long gap while the history is still filling', () => {
    const qa = createQualityAssessor();
    // A few readings, then four hours of silence (longer than the gap that starts a series over).
    for (const m of [0, 10, 20]) qa.assess(device, rec(m, 7.3));
    const after = [260, 270, 280, 290, 300].map((m) => rec(m, 7.1));
    for (const r of after) qa.assess(device, r);
    // The series started over at minute 260: the fifth identical value in a row fails the flat line.
    expect(after.map((r) => r.readings[0]!.qcFlag)).toEqual([1, 1, 3, 3, 4]);
    expect(after[4]!.readings[0]!.qcTests).toEqual(['flat_line']);
  });
});
