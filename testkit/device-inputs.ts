import type { SensorInput } from '../core/generated/graphql';

/** A calibration as pairs: `[raw, actual]` for each point. */
export type CalibrationPairs = readonly (readonly [raw: number, actual: number])[];

/** Calibration points (`{ raw, actual }`) from `[raw, actual]` pairs, in the order given. */
export const calibrationPoints = (pairs: CalibrationPairs): { raw: number; actual: number }[] =>
  pairs.map(([raw, actual]) => ({ raw, actual }));

/**
 * A sensor as createDevice and updateDevice take it (SensorInput): `id` as
 * its measurement unless `extra` says otherwise, the calibration points from
 * `[raw, actual]` pairs (none when omitted), then any other fields.
 */
export function sensorInput(
  id: string,
  calibration?: CalibrationPairs,
  extra: Partial<SensorInput> = {},
): SensorInput {
  return {
    id,
    measurement: id,
    ...(calibration ? { calibration: { points: calibrationPoints(calibration) } } : {}),
    ...extra,
  };
}

/** A sensor with the two-point calibration raw 0 -> 0 and `raw` -> `actual`, plus any other fields. */
export const linearSensor = (
  id: string,
  measurement: string,
  raw: number,
  actual: number,
  fields: Partial<SensorInput> = {},
): SensorInput =>
  sensorInput(
    id,
    [
      [0, 0],
      [raw, actual],
    ],
    { measurement, ...fields },
  );

/** pH on raw 0..1000 -> 0..14, the probe most test devices carry. */
export const PH_SENSOR = linearSensor('ph', 'ph', 1000, 14);
