import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS, LAMBDA_NODE_OPTIONS } from '../infra/constructs/bundled-function';
import { percentile } from './lib';

/** The repository root (bundles resolve their packages from here, as the CDK construct does). */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface BuiltBundle {
  /** The bundle's file (`index.mjs`). */
  file: string;
  bytes: number;
  /** Bytes in the bundle per npm package, or per top-level folder for the project's own code. */
  byPackage: Map<string, number>;
}

/**
 * Bundles `entry` (relative to the repository root) with the Lambdas' own
 * esbuild options (infra/constructs/bundled-function.ts), plus `overrides`
 * for what-if variants, into `outDir/index.mjs`.
 */
export async function bundle(
  entry: string,
  outDir: string,
  overrides: Partial<BuildOptions> = {},
): Promise<BuiltBundle> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.mjs');
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    // esbuild's API wants mutable arrays; the construct's options are read-only.
    mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
    external: [...LAMBDA_ESBUILD_OPTIONS.external],
    ...overrides,
    absWorkingDir: repoRoot,
    entryPoints: [join(repoRoot, entry)],
    outfile: file,
    metafile: true,
    logLevel: 'error',
  });
  return { file, bytes: statSync(file).size, byPackage: bytesByPackage(result.metafile) };
}

function bytesByPackage(metafile: Metafile): Map<string, number> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const sizes = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    sizes.set(pkg, (sizes.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return new Map([...sizes].sort((a, b) => b[1] - a[1]));
}

/** One way of loading a handler module in a fresh Node process. */
export interface LoadVariant {
  name: string;
  /** The module to import: a bundle, or a TypeScript entry (loaded through tsx). */
  file: string;
  tsx?: boolean;
  /** @default LAMBDA_NODE_OPTIONS, what the functions run with */
  nodeOptions?: string;
}

// Times only the import: resolution, parsing, source maps and the module's top-level init (config, clients).
const LOADER = `const t0 = performance.now();
await import(process.argv[1]);
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
    pathToFileURL(variant.file).href,
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
