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
