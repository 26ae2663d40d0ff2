/**
 * In-process fan-out for subscriptions: a mutation's result is pushed to
 * every subscriber of the subscription fields that `@aws_subscribe` to it,
 * filtered by the subscriber's arguments. Each subscriber has its own
 * unbounded queue, so a slow reader delays only itself and loses nothing.
 */
export class SubscriptionHub {
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  /** Delivers `payload` to the matching subscribers of `field`; returns how many it reached. */
  publish(field: string, payload: unknown): number {
    let delivered = 0;
    for (const sub of this.subscribers.get(field) ?? []) {
      if (sub.matches(payload)) {
        sub.push(payload);
        delivered++;
      }
    }
    return delivered;
  }

  /** An async iterator of the payloads on `field` that `matches` accepts; `return()` unsubscribes. */
  subscribe(field: string, matches: (payload: unknown) => boolean): AsyncIterableIterator<unknown> {
    const set = this.subscribers.get(field) ?? new Set<Subscriber>();
    this.subscribers.set(field, set);
    const queue: unknown[] = [];
    let waiting: ((result: IteratorResult<unknown>) => void) | undefined;
    let done = false;
    const sub: Subscriber = {
      matches,
      push(payload) {
        if (waiting) {
          const resolve = waiting;
          waiting = undefined;
          resolve({ value: payload, done: false });
        } else queue.push(payload);
      },
    };
    set.add(sub);
    const finish = (): Promise<IteratorResult<unknown>> => {
      done = true;
      set.delete(sub);
      queue.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next() {
        if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: finish,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Active subscribers, per field (health and tests). */
  count(field?: string): number {
    if (field) return this.subscribers.get(field)?.size ?? 0;
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }
}

interface Subscriber {
  matches(payload: unknown): boolean;
  push(payload: unknown): void;
}
