/** How a simulated sensor behaves: its calibrated range and a two-point calibration from raw ADC counts. */
export interface SensorProfile {
  id: string;
  unit: string;
  min: number;
  max: number;
  /** Where the calibrated value hovers, and how far it wanders per reading. */
  typical: number;
  step: number;
  /** Raw counts 0 and 4095 map to these calibrated values. */
  low: number;
  high: number;
}

/** The ten sensors of a station, with plausible drain-off water values. */
export const SENSOR_PROFILES: readonly SensorProfile[] = [
  { id: 'ch4', unit: 'ppm', min: 0, max: 50, typical: 2, step: 0.3, low: 0, high: 100 },
  { id: 'co2', unit: 'ppm', min: 0, max: 5000, typical: 600, step: 25, low: 0, high: 10000 },
  { id: 'cond', unit: 'uS/cm', min: 50, max: 1500, typical: 420, step: 10, low: 0, high: 2000 },
  { id: 'do', unit: 'mg/L', min: 4, max: 14, typical: 8.5, step: 0.15, low: 0, high: 20 },
  { id: 'flw', unit: 'L/s', min: 0, max: 200, typical: 35, step: 2, low: 0, high: 400 },
  { id: 'lvl', unit: 'cm', min: 5, max: 180, typical: 60, step: 1.5, low: 0, high: 300 },
  { id: 'ph', unit: 'pH', min: 6.5, max: 8.5, typical: 7.3, step: 0.05, low: 0, high: 14 },
  { id: 'tmp', unit: 'C', min: -2, max: 30, typical: 9, step: 0.2, low: -20, high: 60 },
  { id: 'tds', unit: 'mg/L', min: 20, max: 1000, typical: 280, step: 8, low: 0, high: 2000 },
  { id: 'tbd', unit: 'NTU', min: 0, max: 100, typical: 12, step: 1, low: 0, high: 1000 },
];

/** The CreateDeviceInput sensors for these profiles (ten calibrated sensors). */
export function sensorInputs() {
  return SENSOR_PROFILES.map((p) => ({
    id: p.id,
    measurement: p.id,
    unit: p.unit,
    min: p.min,
    max: p.max,
    enabled: true,
    alertsEnabled: true,
    // Three readings in a row: the walk's rare one-reading spikes exercise outOfRange without opening alerts.
    alert: { afterReadings: 3, deadband: (p.max - p.min) * 0.02 },
    calibration: {
      points: [
        { raw: 0, actual: p.low },
        { raw: 4095, actual: p.high },
      ],
    },
  }));
}

/** ADC full scale of the simulated probes. */
export const FULL_SCALE = 4095;

/**
 * A fault to put into one reading, for the quality flags to catch:
 * `spike` jumps a quarter of the probe's range for one reading and comes
 * back (the QARTOD spike test); `out-of-span` sends a raw count half again
 * past full scale, as a failing probe or a corrupted frame does (the gross
 * range test: outside the instrument's span).
 */
export type Anomaly = 'spike' | 'out-of-span';

/** A random walk around `typical`, returned as the raw count the device would send. */
export class SensorWalk {
  private value: number;
  private forced: { actual: number; left: number } | undefined;
  constructor(
    private readonly profile: SensorProfile,
    /** Rare random spikes that exercise outOfRange; off for tests that count flags. */
    private readonly randomSpikes = true,
  ) {
    this.value = profile.typical;
  }

  /** The next `readings` readings report `actual` (an excursion), then the walk resumes at typical. */
  force(actual: number, readings: number): void {
    this.forced = { actual, left: readings };
  }

  nextRaw(anomaly?: Anomaly): number {
    const p = this.profile;
    if (anomaly === 'out-of-span') return Math.round(FULL_SCALE * 1.5);
    if (this.forced && this.forced.left > 0) {
      this.forced.left--;
      if (this.forced.left === 0) this.value = p.typical;
      return toRaw(p, this.forced.actual);
    }
    // Pull back towards typical so values stay plausible; rare spikes exercise outOfRange.
    this.value += (Math.random() - 0.5) * 2 * p.step + (p.typical - this.value) * 0.05;
    const random = this.randomSpikes && Math.random() < 0.01 ? (p.max - p.min) * 0.6 : 0;
    const injected = anomaly === 'spike' ? (p.high - p.low) * 0.25 : 0;
    return toRaw(p, this.value + random + injected);
  }
}

/** The raw count whose two-point calibration gives `actual`. */
function toRaw(p: SensorProfile, actual: number): number {
  const raw = ((actual - p.low) / (p.high - p.low)) * FULL_SCALE;
  return Math.max(0, Math.min(FULL_SCALE, Math.round(raw)));
}
