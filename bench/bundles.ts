import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import {
  LAMBDA_NODE_OPTIONS,
  REPO_ROOT,
  buildLambda,
  type LambdaBuild,
} from '../infra/bundling/lambda-build';
import { percentile } from './lib';

/** The repository root (bundles resolve their packages from here, as the CDK construct does). */
export const repoRoot = REPO_ROOT;

export interface BuiltBundle {
  /** The entry module (`index.mjs`). */
  file: string;
  /** What every cold start loads: the entry, its static imports and the `atInit` chunks. */
  bytes: number;
  /** Every chunk, those loaded on first use included. */
  totalBytes: number;
  /** Cold-start bytes per npm package, or per top-level folder for the project's own code. */
  byPackage: Map<string, number>;
  /** The chunks of modules imported with `import()`, by source path. */
  onDemand: ReadonlyMap<string, string>;
  /** What a cold start loads when the entry's top level imports `atInit` instead. */
  loaded: LambdaBuild['loaded'];
  /** The source files bundled into an on-demand module's files. */
  sourcesOf: LambdaBuild['sourcesOf'];
}

/** The API's entry imports its telemetry store at init (resolvers/api/handler.ts); the bench's env picks Timestream. */
export const API_AT_INIT = ['resolvers/api/telemetry-stores/timestream.ts'] as const;

/**
 * Bundles `entry` (relative to the repository root) exactly as the Lambda
 * construct does (infra/bundling/lambda-build.ts), plus `overrides` for
 * what-if variants, into `outDir`. `atInit` names the modules the entry's top
 * level imports with `import()`: a cold start loads their chunks too.
 */
export async function bundle(
  entry: string,
  outDir: string,
  options: { overrides?: Partial<BuildOptions>; atInit?: readonly string[] } = {},
): Promise<BuiltBundle> {
  mkdirSync(outDir, { recursive: true });
  const built = buildLambda(entry, outDir, options.overrides);
  const cold = built.loaded(options.atInit);
  return {
    file: built.file,
    bytes: cold.bytes,
    totalBytes: built.totalBytes,
    byPackage: cold.byPackage,
    onDemand: built.onDemand,
    loaded: built.loaded,
    sourcesOf: built.sourcesOf,
  };
}

/** One way of loading a handler module in a fresh Node process. */
export interface LoadVariant {
  name: string;
  /** The module to import: a bundle, or a TypeScript entry (loaded through tsx). */
  file: string;
  tsx?: boolean;
  /** @default LAMBDA_NODE_OPTIONS, what the functions run with */
  nodeOptions?: string;
  /** Modules imported after `file`, in the same timing (chunks a first request would load). */
  alsoImport?: readonly string[];
}

// Times only the imports: resolution, parsing, source maps and the modules' top-level init (config, clients).
const LOADER = `const t0 = performance.now();
for (const file of process.argv.slice(1)) await import(file);
process.stdout.write(String(performance.now() - t0));
process.exit(0);`;

/**
 * Module load + init time of each variant, `runs` fresh processes each,
 * interleaved (one of each per round, in a rotating order) so that a noisy
 * neighbour slows all variants alike. Returns the median per variant (odd `runs`), in ms.
 */
export function timeLoads(
  variants: readonly LoadVariant[],
  env: Record<string, string>,
  runs: number,
): Map<string, number> {
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length]!;
      samples.get(variant.name)!.push(loadOnce(variant, env));
    }
  }
  return new Map([...samples].map(([name, values]) => [name, percentile(values, 50)]));
}

function loadOnce(variant: LoadVariant, env: Record<string, string>): number {
  const args = [
    ...(variant.tsx ? ['--import', 'tsx'] : []),
    '--input-type=module',
    '-e',
    LOADER,
    ...[variant.file, ...(variant.alsoImport ?? [])].map((file) => pathToFileURL(file).href),
  ];
  const child = spawnSync(process.execPath, args, {
    cwd: repoRoot,
    // Only what the Lambda would have: its NODE_OPTIONS and the function's variables.
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: variant.nodeOptions ?? LAMBDA_NODE_OPTIONS, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const ms = Number(child.stdout);
  if (child.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`loading ${variant.name} failed (exit ${child.status}): ${child.stderr.slice(0, 2000)}`);
  }
  return ms;
}
