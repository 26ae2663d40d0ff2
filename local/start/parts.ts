import type { LocalCredentials } from '../embedded/local-credentials';

/** One started part of the local mode: what it gives the parts after it, and how to stop it. */
export interface Part<T> {
  handle: T;
  stop(): Promise<void>;
}

/** What every part of one start shares: where it listens, its region, credentials, data dir and log. */
export interface StartContext {
  host: string;
  region: string;
  credentials: LocalCredentials;
  /** undefined = everything in memory (throwaway folders are removed on stop). */
  dataDir: string | undefined;
  log: (line: string) => void;
}

/** A part that holds nothing to stop. */
export const nothingToStop = async (): Promise<void> => undefined;

/**
 * Starts the local mode's parts one after another and stops them in reverse:
 * on `stop()`, and when a part fails to start, so a failed start leaves no
 * port, lock or temporary folder behind. A part's name is in the log lines
 * that say it failed or was stopped.
 */
export class PartStack {
  readonly #started: { name: string; stop: () => Promise<void> }[] = [];
  readonly #log: (line: string) => void;
  #stopping: Promise<void> | undefined;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  /** The names of the parts started so far, in start order. */
  get started(): string[] {
    return this.#started.map((p) => p.name);
  }

  /**
   * Starts one part and returns its handle. When it throws, every part
   * started before it is stopped (newest first) and the error goes up as it
   * was, so its class (PortInUseError, StoreDamagedError, ...) still tells
   * the caller what to do.
   */
  async start<T>(name: string, starter: () => Promise<Part<T>> | Part<T>): Promise<T> {
    const part = await this.run(name, starter);
    this.#started.push({ name, stop: part.stop });
    return part.handle;
  }

  /** Runs one step that leaves nothing to stop (a check, the admin seed); a failure stops the parts as `start` does. */
  async run<T>(name: string, step: () => Promise<T> | T): Promise<T> {
    try {
      return await step();
    } catch (err) {
      const before = this.started.reverse();
      this.#log(
        `[local] ${name} did not start: ${(err as Error).message}${before.length ? ` (stopping ${before.join(', ')})` : ''}`,
      );
      await this.stop();
      throw err;
    }
  }

  /** Stops every started part, newest first; one failing to stop does not keep the others running. Idempotent. */
  stop(): Promise<void> {
    return (this.#stopping ??= this.#stopAll());
  }

  async #stopAll(): Promise<void> {
    for (const part of this.#started.splice(0).reverse()) {
      await part
        .stop()
        .catch((err: unknown) =>
          this.#log(`[local] stopping ${part.name} failed: ${(err as Error).message}`),
        );
    }
  }
}
