import { describe, expect, it } from 'vitest';
import { PH_SENSOR, calibrationPoints, linearSensor, sensorInput } from '../../../testkit/device-inputs';

describe('sensorInput', () => {
  it('builds a SensorInput with its id as measurement and the calibration points from pairs', () => {
    expect(
      sensorInput('ph', [
        [0, 0],
        [1000, 14],
      ]),
    ).toEqual({
      id: 'ph',
      measurement: 'ph',
      calibration: {
        points: [
          { raw: 0, actual: 0 },
          { raw: 1000, actual: 14 },
        ],
      },
    });
  });

  it('leaves the calibration out when none is given, and lets the extra fields win', () => {
    expect(sensorInput('tmp', undefined, { measurement: 'temperature', enabled: false, unit: 'C' })).toEqual({
      id: 'tmp',
      measurement: 'temperature',
      enabled: false,
      unit: 'C',
    });
  });

  it('makes a linear sensor through the origin, and PH_SENSOR reads raw 1000 as pH 14', () => {
    expect(linearSensor('do', 'oxygen', 20, 10, { unit: 'mg/L' })).toEqual({
      id: 'do',
      measurement: 'oxygen',
      unit: 'mg/L',
      calibration: {
        points: [
          { raw: 0, actual: 0 },
          { raw: 20, actual: 10 },
        ],
      },
    });
    expect(PH_SENSOR.calibration?.points).toEqual([
      { raw: 0, actual: 0 },
      { raw: 1000, actual: 14 },
    ]);
    expect(PH_SENSOR.measurement).toBe('ph');
  });
});

describe('calibrationPoints', () => {
  it('turns [raw, actual] pairs into points in the order given, unsorted', () => {
    expect(
      calibrationPoints([
        [800, 7],
        [400, 4],
      ]),
    ).toEqual([
      { raw: 800, actual: 7 },
      { raw: 400, actual: 4 },
    ]);
    expect(calibrationPoints([])).toEqual([]);
  });
});
