import type { SensorInput } from '../core/generated/graphql';

/** A calibration as pairs: `[raw, actual]` for each point. */
export type CalibrationPairs = readonly (readonly [raw: number, actual: number])[];

/** pH probes of the buoys: raw 0..1000 reads as pH 0..14. */
export const PH_PROBE: CalibrationPairs = [
  [0, 0],
  [1000, 14],
];

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
    ...(calibration
      ? { calibration: { points: calibration.map(([raw, actual]) => ({ raw, actual })) } }
      : {}),
    ...extra,
  };
}
