/** SQS event-source settings that the local batcher mirrors. */
export interface BatcherOptions<T> {
  /** Most items per batch (SQS -> Lambda: 100 in this project's stack). */
  maxBatchSize: number;
  /** Longest an item waits for its batch to fill, in ms (the event source's batching window). */
  windowMs: number;
  /**
   * Handles one batch and returns the items to try again (SQS partial batch
   * failure). Throwing retries the whole batch.
   */
  handle(batch: T[]): Promise<T[]>;
  /** Delay before a failed item is offered again (SQS visibility timeout, shortened locally). */
  retryDelayMs?: number;
  /** Attempts before an item is handed to `onDeadLetter` (SQS maxReceiveCount). */
  maxAttempts?: number;
  onDeadLetter?(item: T, attempts: number): void | Promise<void>;
  onError?(err: unknown): void;
}

interface Entry<T> {
  item: T;
  attempts: number;
}

/**
 * The in-process stand-in for SQS between the broker and the processor:
 * batches of up to `maxBatchSize`, sent when full or when the oldest item
 * has waited `windowMs`, one batch at a time (like one Lambda concurrency),
 * with partial retries and a dead-letter hand-off.
 */
export class Batcher<T> {
  private pending: Entry<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private retries = new Map<NodeJS.Timeout, Entry<T>>();
  private inFlight = 0;
  private stopped = false;

  constructor(private readonly options: BatcherOptions<T>) {}

  /** Items accepted and not yet handled (waiting, in a batch, or waiting for a retry). */
  get size(): number {
    return this.pending.length + this.inFlight + this.retries.size;
  }

  add(item: T): void {
    this.enqueue({ item, attempts: 0 });
  }

  /** Sends everything waiting now, and resolves when it (and batches before it) are handled. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.pending.length) this.dispatch();
    await this.running;
  }

  /**
   * Flushes what is waiting, gives every item waiting for a retry one more
   * try now, and returns the items that still failed. Rushing them through
   * the remaining attempts would dead-letter messages whose cause (a store
   * being down) may be gone by the next start; the caller keeps them instead.
   */
  async stop(): Promise<T[]> {
    this.stopped = true;
    await this.flush();
    const waiting = [...this.retries.entries()];
    this.retries.clear();
    for (const [timer, entry] of waiting) {
      clearTimeout(timer);
      this.pending.push(entry);
    }
    await this.flush();
    const left = [...this.retries.values()].map((e) => e.item);
    for (const timer of this.retries.keys()) clearTimeout(timer);
    this.retries.clear();
    return left;
  }

  private enqueue(entry: Entry<T>) {
    this.pending.push(entry);
    if (this.pending.length >= this.options.maxBatchSize) this.dispatch();
    else if (!this.timer && !this.stopped) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        while (this.pending.length) this.dispatch();
      }, this.options.windowMs);
    }
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dispatch() {
    const batch = this.pending.splice(0, this.options.maxBatchSize);
    if (!this.pending.length) this.clearTimer();
    if (!batch.length) return;
    this.inFlight += batch.length;
    this.running = this.running.then(() => this.run(batch));
  }

  private async run(batch: Entry<T>[]) {
    let failed: T[];
    try {
      failed = await this.options.handle(batch.map((e) => e.item));
    } catch (err) {
      this.options.onError?.(err);
      failed = batch.map((e) => e.item);
    }
    this.inFlight -= batch.length;
    const again = new Set(failed);
    for (const entry of batch) {
      if (!again.has(entry.item)) continue;
      entry.attempts++;
      if (entry.attempts >= (this.options.maxAttempts ?? 5)) {
        await this.options.onDeadLetter?.(entry.item, entry.attempts);
        continue;
      }
      this.scheduleRetry(entry);
    }
  }

  private scheduleRetry(entry: Entry<T>) {
    const timer = setTimeout(
      () => {
        this.retries.delete(timer);
        this.enqueue(entry);
      },
      this.stopped ? 0 : (this.options.retryDelayMs ?? 1_000),
    );
    this.retries.set(timer, entry);
  }
}
