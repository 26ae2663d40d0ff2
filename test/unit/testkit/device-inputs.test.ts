import { describe, expect, it } from 'vitest';
import { PH_PROBE, sensorInput } from '../../../testkit/device-inputs';

describe('sensorInput', () => {
  it('builds a SensorInput with its id as measurement and the calibration points from pairs', () => {
    expect(sensorInput('ph', PH_PROBE)).toEqual({
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
});
