import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A start refused before anything listens; the message says what is wrong and what to do. */
export class LocalStartError extends Error {
  override readonly name: string = 'LocalStartError';
}

/** Another local mode (a live process) uses the data dir. */
export class DataDirInUseError extends LocalStartError {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data dir ${dataDir} is in use by process ${pid} (another npm start). Stop that one first, or start this one on another dir: LOCAL_DATA_DIR=<dir> npm start`,
    );
  }
}

/** A store under the data dir failed its check at start. */
export class StoreDamagedError extends LocalStartError {
  override readonly name = 'StoreDamagedError';
}

const LOCK_FILE = 'local.lock';

/**
 * Takes the data dir for this process: `<dataDir>/local.lock` holds the pid.
 * A lock whose process is gone (a `kill -9`) is taken over; a live one stops
 * the start with a DataDirInUseError naming the process. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        // Only our own lock is removed (a second start that failed must not free the first's).
        if (readPid(file) === process.pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = readPid(file);
      if (pid !== undefined && isAlive(pid)) throw new DataDirInUseError(dataDir, pid);
      // Stale: its process died without releasing it.
      rmSync(file, { force: true });
    }
  }
  throw new LocalStartError(`Could not take the lock ${file}; delete it if no local mode is running.`);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reads every entry of dynalite's LevelDB once, before dynalite opens it: a
 * damaged block would otherwise pass the start and throw inside dynalite at
 * the first query that reads it, uncaught, taking the process down. Uses
 * dynalite's own copy of `level`, so the format is the one dynalite writes.
 */
export async function checkLevelStore(dir: string): Promise<void> {
  if (!existsSync(join(dir, 'CURRENT'))) return;
  const { Level } = createRequire(require_resolve('dynalite'))('level') as {
    Level: new (
      path: string,
      options: { keyEncoding: string; valueEncoding: string },
    ) => {
      open(): Promise<void>;
      close(): Promise<void>;
      iterator(options: { fillCache: boolean }): AsyncIterable<unknown>;
    };
  };
  const db = new Level(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  try {
    await db.open();
    for await (const _entry of db.iterator({ fillCache: false })) void _entry;
  } catch (err) {
    const reason = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new StoreDamagedError(
      `The DynamoDB data in ${dir} is damaged (${reason}); starting on it would crash at the first query that reads it. Restore the folder from a backup, or move it aside to start with an empty table: mv ${dir} ${dir}.damaged`,
      { cause: err },
    );
  } finally {
    await db.close().catch(() => undefined);
  }
}

/**
 * A data dir that ran before (its outputs.json names a user pool) must still
 * have that pool's file: cognito-local would otherwise create a new, empty
 * pool without a word, and every account would be gone.
 */
export function checkUserPool(dataDir: string, cognitoDir: string): void {
  // cognito-local's files are JSON documents: one that does not parse would fail the start deep
  // inside cognito-local (or answer every request with 500), so it is named here instead.
  const db = join(cognitoDir, 'db');
  for (const name of existsSync(db) ? readdirSync(db).filter((f) => f.endsWith('.json')) : []) {
    const file = join(db, name);
    try {
      JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new StoreDamagedError(
        `The Cognito file ${file} is damaged (${(err as Error).message}). Restore it from a backup; deleting it loses what it holds (${name === 'clients.json' ? 'the app clients' : 'the pool and its accounts'}).`,
        { cause: err },
      );
    }
  }
  const outputsFile = join(dataDir, 'outputs.json');
  if (!existsSync(outputsFile)) return;
  let poolId: unknown;
  try {
    poolId = (JSON.parse(readFileSync(outputsFile, 'utf8')) as { UserPoolId?: unknown }).UserPoolId;
  } catch {
    return;
  }
  if (typeof poolId !== 'string' || !/^[\w-]+$/.test(poolId)) return;
  const poolFile = join(cognitoDir, 'db', `${poolId}.json`);
  if (!existsSync(poolFile))
    throw new StoreDamagedError(
      `The user pool file ${poolFile} is missing (pool ${poolId} was in use here, per ${outputsFile}); starting would create a new, empty pool and every account would be gone. Restore the file from a backup, or delete ${outputsFile} to start with a new pool on purpose.`,
    );
}

function require_resolve(name: string): string {
  return createRequire(import.meta.url).resolve(name);
}
