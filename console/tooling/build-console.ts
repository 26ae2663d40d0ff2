import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleSourceHash } from './source-hash';

/** console/, where the sources and vite.config.ts are. */
export const CONSOLE_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where a build goes: git-ignored, served at /console by the local server, uploaded by the CDK app. */
export const CONSOLE_DIST = join(CONSOLE_ROOT, 'dist');

export class ConsoleBuildError extends Error {
  override readonly name = 'ConsoleBuildError';
}

export type BuildState = 'fresh' | 'missing' | 'stale';

/** Whether `dist` holds a build of the current sources (build-info.json's hash). */
export function consoleBuildState(dist = CONSOLE_DIST): BuildState {
  const info = join(dist, 'build-info.json');
  if (!existsSync(info) || !existsSync(join(dist, 'index.html'))) return 'missing';
  try {
    const { sourceHash } = JSON.parse(readFileSync(info, 'utf8')) as { sourceHash?: string };
    return sourceHash === consoleSourceHash(CONSOLE_ROOT) ? 'fresh' : 'stale';
  } catch {
    return 'stale';
  }
}

function viteArgs(outDir: string): string[] {
  let bin: string;
  try {
    const require = createRequire(import.meta.url);
    bin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  } catch (err) {
    throw new ConsoleBuildError(
      'Building the console needs vite, a devDependency: run `npm install` (not `npm ci --omit=dev`).',
      { cause: err },
    );
  }
  return [
    bin,
    'build',
    '--config',
    join(CONSOLE_ROOT, 'vite.config.ts'),
    '--outDir',
    outDir,
    '--logLevel',
    'warn',
  ];
}

/** Builds the console with vite into `outDir` (default console/dist). */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<void> {
  const args = viteArgs(outDir);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: CONSOLE_ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new ConsoleBuildError(`vite build failed (exit ${code}):\n${stderr.trim()}`)),
    );
  });
}

/** The same, synchronously (CDK's local asset bundling is synchronous). */
export function buildConsoleSync(outDir = CONSOLE_DIST): void {
  const result = spawnSync(process.execPath, viteArgs(outDir), { cwd: CONSOLE_ROOT, encoding: 'utf8' });
  if (result.status !== 0)
    throw new ConsoleBuildError(
      `vite build failed (exit ${result.status}):\n${(result.stderr || '').trim()}`,
    );
}

/**
 * Builds the console when console/dist is missing or was built from other
 * sources; returns what it found. `npm start` calls it before starting.
 */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<BuildState> {
  const state = consoleBuildState();
  if (state === 'fresh') return state;
  log(`[console] ${state === 'missing' ? 'not built yet' : 'sources changed'}: building it (vite)...`);
  const started = Date.now();
  await buildConsole();
  log(`[console] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return state;
}

/** For CDK bundling: a fresh build into `outputDir`, reusing console/dist when it is fresh. */
export function bundleConsoleInto(outputDir: string): void {
  if (consoleBuildState() !== 'fresh') buildConsoleSync();
  cpSync(CONSOLE_DIST, outputDir, { recursive: true });
}
