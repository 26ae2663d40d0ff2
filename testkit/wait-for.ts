/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /**
   * How long to keep trying before failing. It bounds a hung run, it is not a
   * speed assertion, so it is set far beyond any expected duration.
   */
  timeoutMs?: number;
  /** The pause between two checks. */
  everyMs?: number;
  /** What was awaited, for the error of a run that gives up. */
  describe?: () => string;
}

/** The error of a {@link waitFor} that gave up: what was awaited and for how long. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a value other than undefined (or false), and
 * returns that value. A check that throws is retried until the deadline, and
 * its last error is named in the failure, so an assertion inside `check`
 * reads as the reason a wait gave up.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, everyMs = 50, describe }: WaitForOptions = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= until) {
      const what = describe?.() ?? 'the condition';
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new WaitTimeoutError(
        `gave up after ${timeoutMs} ms and ${attempt + 1} checks waiting for ${what}${why}`,
        {
          cause: lastError,
        },
      );
    }
    await sleep(everyMs);
  }
}
