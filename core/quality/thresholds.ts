import type { SensorQc } from '../generated/graphql';
import type { SeasonalSpan } from './tests';

/** The thresholds one sensor is tested with, after its overrides are laid over the measurement's defaults. */
export interface QcThresholds {
  enabled: boolean;
  sensorMin?: number;
  sensorMax?: number;
  userMin?: number;
  userMax?: number;
  climatology: SeasonalSpan[];
  spike?: { suspect: number; fail: number };
  rateOfChange?: { deviations: number; windowMs: number };
  flatLine?: { tolerance: number; suspectCount: number; failCount: number };
}

/** Defaults of one measurement, and the units they are written in. */
interface MeasurementDefaults {
  /** Lowercase units the numbers below are in; null accepted too. Another unit gets no numeric defaults. */
  units: readonly string[];
  sensorMin?: number;
  sensorMax?: number;
  userMin?: number;
  userMax?: number;
  spikeSuspect?: number;
  spikeFail?: number;
}

/**
 * Rate of change: 3 standard deviations (ioos_qc's default) of the last 25
 * hours (our choice: a day and an hour, so the daily cycle of a channel is in
 * the window).
 */
export const DEFAULT_RATE_OF_CHANGE = { deviations: 3, windowMs: 25 * 3_600_000 } as const;
/**
 * Flat line: identical values (at the sensor's decimals) three readings in a
 * row are suspect, five fail (our choice; the manuals leave the counts to the
 * operator); a tolerance per sensor widens "identical".
 */
export const DEFAULT_FLAT_LINE = { tolerance: 0, suspectCount: 3, failCount: 5 } as const;
/** A gap longer than this breaks a sensor's series: the tests that compare neighbours start over. */
export const MAX_GAP_MS = 3 * 3_600_000;

/**
 * Per-measurement spans. The QARTOD manuals leave the numbers to the operator
 * (they give the tests, not the thresholds); where a physical bound exists
 * (the pH scale, water that is liquid, a concentration that is not negative)
 * the instrument span is that bound, and the operator span is what a
 * drain-off channel can plausibly show. docs/QUALITY.md lists where each
 * number comes from. They apply only when the sensor's unit is the one they
 * are written in: a number in the wrong unit would fail every reading.
 */
export const MEASUREMENT_DEFAULTS: Readonly<Record<string, MeasurementDefaults>> = {
  ph: {
    units: ['ph', ''],
    sensorMin: 0,
    sensorMax: 14,
    userMin: 4,
    userMax: 10,
    spikeSuspect: 0.5,
    spikeFail: 1,
  },
  tmp: {
    units: ['c', '°c', 'degc', 'celsius'],
    sensorMin: -5,
    sensorMax: 50,
    userMin: -2,
    userMax: 35,
    spikeSuspect: 2,
    spikeFail: 5,
  },
  do: {
    units: ['mg/l'],
    sensorMin: 0,
    sensorMax: 50,
    userMin: 0,
    userMax: 20,
    spikeSuspect: 2,
    spikeFail: 5,
  },
  cond: {
    units: ['us/cm', 'µs/cm'],
    sensorMin: 0,
    sensorMax: 200_000,
    userMin: 0,
    userMax: 20_000,
    spikeSuspect: 1_000,
    spikeFail: 5_000,
  },
  tds: { units: ['mg/l', 'ppm'], sensorMin: 0, sensorMax: 100_000, userMin: 0, userMax: 15_000 },
  tbd: { units: ['ntu', 'fnu'], sensorMin: 0, sensorMax: 4_000, userMin: 0, userMax: 1_000 },
  lvl: { units: ['m'], sensorMin: 0 },
  flw: { units: ['l/s', 'm3/s'], sensorMin: 0 },
  ch4: { units: ['ppm', 'mg/l', 'ug/l', 'µg/l'], sensorMin: 0 },
  co2: { units: ['ppm', 'mg/l'], sensorMin: 0 },
};

/** The parts of a sensor its thresholds come from. */
export interface QcSensor {
  measurement?: string | null;
  unit?: string | null;
  qc?: SensorQc | null;
}

const given = (v: number | null | undefined): number | undefined =>
  v === null || v === undefined ? undefined : v;

/** Lays the sensor's own thresholds over its measurement's defaults. */
export function resolveThresholds(sensor: QcSensor): QcThresholds {
  const qc = sensor.qc ?? null;
  const base = MEASUREMENT_DEFAULTS[sensor.measurement ?? ''];
  const unit = (sensor.unit ?? '').trim().toLowerCase();
  const d = base && (unit === '' || base.units.includes(unit)) ? base : undefined;
  const spikeSuspect = given(qc?.spikeSuspect) ?? d?.spikeSuspect;
  const spikeFail = given(qc?.spikeFail) ?? d?.spikeFail ?? spikeSuspect;
  const thresholds: QcThresholds = {
    enabled: qc?.enabled ?? true,
    climatology: (qc?.climatology ?? []).map((s) => ({ ...s })),
    rateOfChange: {
      deviations: given(qc?.rateOfChangeDeviations) ?? DEFAULT_RATE_OF_CHANGE.deviations,
      windowMs:
        given(qc?.rateOfChangeWindowHours) !== undefined
          ? qc!.rateOfChangeWindowHours! * 3_600_000
          : DEFAULT_RATE_OF_CHANGE.windowMs,
    },
    flatLine: {
      tolerance: given(qc?.flatLineTolerance) ?? DEFAULT_FLAT_LINE.tolerance,
      suspectCount: given(qc?.flatLineSuspectCount) ?? DEFAULT_FLAT_LINE.suspectCount,
      failCount: given(qc?.flatLineFailCount) ?? DEFAULT_FLAT_LINE.failCount,
    },
  };
  const spans = {
    sensorMin: given(qc?.sensorMin) ?? d?.sensorMin,
    sensorMax: given(qc?.sensorMax) ?? d?.sensorMax,
    userMin: given(qc?.userMin) ?? d?.userMin,
    userMax: given(qc?.userMax) ?? d?.userMax,
  };
  for (const [k, v] of Object.entries(spans)) if (v !== undefined) thresholds[k as keyof typeof spans] = v;
  if (spikeSuspect !== undefined && spikeFail !== undefined)
    thresholds.spike = { suspect: spikeSuspect, fail: Math.max(spikeSuspect, spikeFail) };
  return thresholds;
}
