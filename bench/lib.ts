import { createIngestionPipeline, type IngestionDeps, type IngestionPipeline } from '../core/ingestion';
import { TEN_SENSORS } from '../testkit/telemetry-fixtures';

/**
 * The shape every benchmark section returns. `npm run bench` (bench/run.ts)
 * runs each file in bench/sections/ in turn, prints one table and writes
 * bench/results.json. Figures are measured side by side in the same run;
 * a `reference` makes the figure print as a ratio against it.
 */
export interface BenchFigure {
  /** What was measured, e.g. `processor messages/s`. */
  name: string;
  value: number;
  unit: string;
  /** A figure measured in the same run to compare with (e.g. the JSON.parse limit). */
  reference?: { name: string; value: number };
  /** The target in words, e.g. `>= 0.5x JSON.parse`. */
  target?: string;
  /** Whether the target is met, when there is one. */
  met?: boolean;
}

export interface BenchSection {
  title: string;
  figures: BenchFigure[];
  notes?: string[];
}

export type BenchSectionRunner = () => Promise<BenchSection>;

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The pipeline ports a benchmark does not measure: no acks expected, no notifications, no last-seen. */
export const QUIET_PORTS: Pick<IngestionDeps, 'acks' | 'notifier' | 'lastSeen'> = {
  acks: { recordAck: async () => Promise.reject(new Error('no acks in this run')) },
  notifier: { deviceChanged: async () => undefined },
  lastSeen: { touchLastSeen: async () => undefined },
};

/** The ingestion pipeline with {@link QUIET_PORTS} unless given others. */
export function benchPipeline(
  deps: Omit<IngestionDeps, keyof typeof QUIET_PORTS> &
    Partial<Pick<IngestionDeps, keyof typeof QUIET_PORTS>>,
): IngestionPipeline {
  return createIngestionPipeline({ ...QUIET_PORTS, ...deps });
}

/**
 * Runs every side on each batch in turn, side by side, so a noisy neighbour
 * on a shared machine slows them alike, and returns each side's total time
 * in ms. `reversed` runs the sides in the other order (alternate it by round
 * so neither side always pays for the other's garbage).
 */
export async function timeSideBySide<B>(
  batches: readonly B[],
  sides: readonly ((batch: B) => unknown)[],
  reversed = false,
): Promise<number[]> {
  const ms = sides.map(() => 0);
  const order = reversed ? [...sides.keys()].reverse() : [...sides.keys()];
  for (const batch of batches)
    for (const i of order) {
      const start = performance.now();
      const done = sides[i]!(batch);
      if (done instanceof Promise) await done;
      ms[i]! += performance.now() - start;
    }
  return ms;
}

/** Splits `items` into batches of `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** The ten sensors of the benchmarks' stations, and their units in the same order. */
export const BENCH_SENSORS = TEN_SENSORS;
export const BENCH_UNITS = ['ppm', 'ppm', 'uS/cm', 'mg/L', 'L/s', 'm', 'pH', 'C', 'mg/L', 'NTU'] as const;

/**
 * The ten sensors, enabled, two decimals, each with a three-point
 * calibration (0 -> i, 500 -> 50 + i, 1000 -> 120 + i), plus `fields(i)`.
 */
export function benchSensors<F extends object>(fields: (index: number) => F) {
  return BENCH_SENSORS.map((id, i) => ({
    id,
    enabled: true,
    decimals: 2,
    calibration: {
      points: [
        { raw: 0, actual: i },
        { raw: 500, actual: 50 + i },
        { raw: 1000, actual: 120 + i },
      ],
      calibratedAt: null,
    },
    ...fields(i),
  }));
}

/** The raw readings of message `k`: every sensor a different value in 0..1000, two decimals. */
export function benchReadings(k: number): Record<string, number> {
  const readings: Record<string, number> = {};
  BENCH_SENSORS.forEach((s, i) => (readings[s] = Math.round(((k * 31 + i * 97) % 1000) * 100) / 100));
  return readings;
}

/**
 * A baseline figure and one measured beside it in the same run, in the
 * baseline's unit and printed as a ratio against it (`as` names the baseline
 * in the ratio column).
 */
export function againstBaseline(
  baseline: BenchFigure,
  measured: Omit<BenchFigure, 'unit' | 'reference'>,
  as = baseline.name,
): [BenchFigure, BenchFigure] {
  return [baseline, { ...measured, unit: baseline.unit, reference: { name: as, value: baseline.value } }];
}
