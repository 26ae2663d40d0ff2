import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lockDataDir } from '../embedded/data-dir-check';
import type { Part } from './parts';

/** A folder a part keeps its files in: under the data dir, or a throwaway one in memory mode. */
export interface WorkDir {
  path: string;
  /** Removes a throwaway folder; keeps one under the data dir. */
  remove(): Promise<void>;
}

/**
 * `<dataDir>/<name>`, kept across restarts; without a data dir a fresh
 * `$TMPDIR/yvr-<name>-<pid>-<time>` that `remove` deletes, so a throwaway
 * run leaves nothing behind (cognito-local, for one, has no memory mode).
 */
export function workDir(dataDir: string | undefined, name: string): WorkDir {
  if (dataDir) return { path: join(dataDir, name), remove: async () => undefined };
  const path = join(process.env.TMPDIR ?? '/tmp', `yvr-${name}-${process.pid}-${Date.now()}`);
  return { path, remove: async () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The data dir, created when missing and locked for this process. Taken
 * first: a second start on the same dir is refused naming the process that
 * has it (before, it got as far as a dynalite stack trace). Stop = release.
 */
export function startDataDir(dataDir: string | undefined): Part<string | undefined> {
  if (!dataDir) return { handle: undefined, stop: async () => undefined };
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  return { handle: dataDir, stop: async () => release() };
}
