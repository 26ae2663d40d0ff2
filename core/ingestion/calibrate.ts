import type { CalibrationSensor } from './types';
import { DEFAULT_DECIMALS, MAX_DECIMALS } from '../devices/model';

/**
 * A sensor ready to calibrate: points sorted by raw value with each segment's
 * slope computed once, so the hot path is a search and one multiply-add.
 */
export interface PreparedSensor {
  id: string;
  unit: string | null;
  min: number | null;
  max: number | null;
  decimals: number;
  /** Raw values of the points, ascending. */
  xs: number[];
  ys: number[];
  /** slopes[i] is the slope of the segment from point i to point i + 1. */
  slopes: number[];
}

/** Why a sensor cannot calibrate, or the prepared sensor. */
export type PrepareResult = { ok: true; sensor: PreparedSensor } | { ok: false; problem: string };

/**
 * Prepares a sensor's calibration. Fewer than two points, or two points with
 * the same raw value, define no line: such a sensor cannot calibrate and its
 * readings are rejected rather than stored with a made-up value.
 */
export function prepareSensor(sensor: CalibrationSensor): PrepareResult {
  const points = [...(sensor.calibration?.points ?? [])]
    .filter((p) => Number.isFinite(p.raw) && Number.isFinite(p.actual))
    .sort((a, b) => a.raw - b.raw);
  if (points.length < 2) return { ok: false, problem: 'has no calibration (two or more points are needed)' };
  const xs = points.map((p) => p.raw);
  const ys = points.map((p) => p.actual);
  const slopes: number[] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    const dx = xs[i + 1]! - xs[i]!;
    if (dx === 0)
      return { ok: false, problem: `has two calibration points with the same raw value ${xs[i]}` };
    slopes.push((ys[i + 1]! - ys[i]!) / dx);
  }
  const decimals = sensor.decimals ?? DEFAULT_DECIMALS;
  return {
    ok: true,
    sensor: {
      id: sensor.id,
      unit: sensor.unit ?? null,
      min: sensor.min ?? null,
      max: sensor.max ?? null,
      decimals: Math.min(MAX_DECIMALS, Math.max(0, Math.trunc(decimals))),
      xs,
      ys,
      slopes,
    },
  };
}

/**
 * Piecewise-linear calibration: the segment that holds `raw`, or the first or
 * last segment extended beyond the outer points. With two points this is the
 * old formula `value = (y2 - y1) / (x2 - x1) * (raw - x1) + y1`.
 */
export function calibrate(sensor: PreparedSensor, raw: number): { value: number; outOfRange: boolean } {
  const value = calibratedValue(sensor, raw);
  const outOfRange =
    (sensor.min !== null && value < sensor.min) || (sensor.max !== null && value > sensor.max);
  return { value, outOfRange };
}

/** The calibrated, rounded value alone: what the hot path calls, without an object per reading. */
export function calibratedValue(sensor: PreparedSensor, raw: number): number {
  const { xs, ys, slopes } = sensor;
  // Segments are few (a handful of points), so a linear scan beats a binary search.
  let i = 0;
  const last = slopes.length - 1;
  while (i < last && raw > xs[i + 1]!) i++;
  return roundTo(ys[i]! + slopes[i]! * (raw - xs[i]!), sensor.decimals);
}

const POW10 = Array.from({ length: 11 }, (_, i) => 10 ** i);

/**
 * Rounds half away from zero to `decimals`. Binary noise can put a product a
 * hair off a tie (14 * -2.3 + 4.5 = -27.699999999999996), so only values near
 * a tie are cut to 15 significant digits first; the string round trip that
 * takes is too slow for every reading.
 */
export function roundTo(value: number, decimals: number): number {
  const factor = POW10[decimals] ?? 10 ** decimals;
  let scaled = Math.abs(value) * factor;
  const fraction = scaled - Math.floor(scaled);
  if (Math.abs(fraction - 0.5) < 1e-6) scaled = Number(scaled.toPrecision(15));
  const rounded = Math.round(scaled) / factor;
  if (rounded === 0) return 0;
  return value < 0 ? -rounded : rounded;
}
