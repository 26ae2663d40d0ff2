import type { HttpRequest } from '@smithy/protocol-http';

/** A client whose middleware stack can take one more step (every AWS SDK v3 client). */
interface ClientWithStack {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'finalizeRequest'; name: string; priority?: 'low' }): void;
  };
}

/**
 * Counts the requests a client puts on the wire, by operation (the
 * `X-Amz-Target` header: `GetItem`, `Query`, `ListUsers`, ...). Added at the
 * end of the finalize step, so retries count as the extra requests they are.
 * A DynamoDB document client shares its base client's stack and is counted too.
 */
export function countRequests(client: ClientWithStack) {
  const seen: string[] = [];
  client.middlewareStack.add(
    (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const headers = (args.request as HttpRequest).headers ?? {};
      const target = headers['x-amz-target'] ?? headers['X-Amz-Target'] ?? 'unknown';
      seen.push(target.slice(target.indexOf('.') + 1));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'testRequestCounter', priority: 'low' },
  );
  return {
    /** Operations since the last reset, in order. */
    get operations(): string[] {
      return [...seen];
    },
    /** How many of each operation since the last reset. */
    counts(): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const op of seen) counts[op] = (counts[op] ?? 0) + 1;
      return counts;
    },
    reset(): void {
      seen.length = 0;
    },
  };
}

export type RequestCounter = ReturnType<typeof countRequests>;
