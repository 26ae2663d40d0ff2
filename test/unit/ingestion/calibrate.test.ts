import { describe, expect, it } from 'vitest';
import { calibrate, prepareSensor, roundTo, type PreparedSensor } from '../../../core/ingestion';
import { sensor } from '../../../testkit/telemetry-fixtures';

function prepared(points: [number, number][], overrides: Parameters<typeof sensor>[1] = {}): PreparedSensor {
  const result = prepareSensor(
    sensor('ph', {
      calibration: { points: points.map(([raw, actual]) => ({ raw, actual })), calibratedAt: null },
      ...overrides,
    }),
  );
  if (!result.ok) throw new Error(result.problem);
  return result.sensor;
}

describe('calibrate', () => {
  it('gives -27.7 for raw 0 with points raw 2.3 -> 4.5 and slope 14 (the old system known case)', () => {
    const ph = prepared([
      [2.3, 4.5],
      [3.3, 18.5],
    ]);
    expect(calibrate(ph, 0).value).toBe(-27.7);
  });

  it('matches the old two-point formula between the points', () => {
    const ph = prepared([
      [2.3, 4.5],
      [3.3, 18.5],
    ]);
    // (18.5 - 4.5) / (3.3 - 2.3) * (2.8 - 2.3) + 4.5 = 11.5
    expect(calibrate(ph, 2.8).value).toBe(11.5);
  });

  it.each([
    { where: 'beyond the last point with the last segment', raw: 30, value: 200 },
    { where: 'below the first point with the first segment', raw: -5, value: -50 },
  ])('extrapolates $where', ({ raw, value }) => {
    const s = prepared([
      [0, 0],
      [10, 100],
      [20, 150],
    ]);
    expect(calibrate(s, raw).value).toBe(value);
  });

  it('uses the segment that holds the raw value when there are more than two points', () => {
    const s = prepared([
      [20, 150],
      [0, 0],
      [10, 100],
    ]);
    expect(calibrate(s, 5).value).toBe(50);
    expect(calibrate(s, 15).value).toBe(125);
    expect(calibrate(s, 10).value).toBe(100);
  });

  it('rounds to the sensor decimals', () => {
    const s = prepared(
      [
        [0, 0],
        [3, 1],
      ],
      { decimals: 3 },
    );
    expect(calibrate(s, 1).value).toBe(0.333);
  });

  it('rounds to 2 decimals when the sensor names none', () => {
    const s = prepared(
      [
        [0, 0],
        [3, 1],
      ],
      { decimals: null },
    );
    expect(calibrate(s, 1).value).toBe(0.33);
  });

  it('flags values outside min and max as out of range', () => {
    const s = prepared(
      [
        [0, 0],
        [10, 100],
      ],
      { min: 10, max: 90 },
    );
    expect(calibrate(s, 0.5).outOfRange).toBe(true);
    expect(calibrate(s, 9.5).outOfRange).toBe(true);
    expect(calibrate(s, 5).outOfRange).toBe(false);
    expect(calibrate(s, 1).outOfRange).toBe(false);
  });

  it('refuses a calibration with fewer than two points', () => {
    const result = prepareSensor(
      sensor('ph', { calibration: { points: [{ raw: 1, actual: 1 }], calibratedAt: null } }),
    );
    expect(result.ok).toBe(false);
  });

  it('refuses a calibration with two points at the same raw value', () => {
    const result = prepareSensor(
      sensor('ph', {
        calibration: {
          points: [
            { raw: 1, actual: 1 },
            { raw: 1, actual: 2 },
          ],
          calibratedAt: null,
        },
      }),
    );
    expect(result).toMatchObject({ ok: false, problem: expect.stringContaining('same raw value') });
  });
});

describe('roundTo', () => {
  it('rounds half away from zero despite binary noise', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(14 * -2.3 + 4.5, 2)).toBe(-27.7);
  });

  it('never returns negative zero', () => {
    expect(Object.is(roundTo(-0.001, 2), 0)).toBe(true);
  });
});
