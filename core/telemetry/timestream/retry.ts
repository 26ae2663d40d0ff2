/** Bounded retries with exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injectable for tests: no real waiting, deterministic jitter. */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Full jitter: a uniform wait in [0, min(cap, base * 2^attempt)). */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number =>
  Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));

/** Throttling, 5xx and network failures: the same request may succeed later. */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
    code?: string;
  };
  if (e.$retryable) return true;
  if (
    e.name === 'ThrottlingException' ||
    e.name === 'InternalServerException' ||
    e.name === 'ServiceUnavailable'
  )
    return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status === 429 || status >= 500;
  // No HTTP status at all: the request never got an answer (reset, timeout, DNS).
  return (
    ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(e.code ?? '') ||
    e.name === 'TimeoutError'
  );
}
