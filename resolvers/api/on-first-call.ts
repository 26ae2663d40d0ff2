/** A port whose every method answers a promise, so that a method can wait for its module first. */
export type AsyncPort<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * A module loaded on first use could not be imported or built. Our fault (a
 * missing chunk, a client that cannot be constructed), never the caller's:
 * it names the part, so that a log line does not read like an AWS outage.
 */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
}

/**
 * An implementation of the port `T` that imports its module on the first
 * call of any method, and then forwards every call to it. The API Lambda
 * wires what few requests use this way (resolvers/api/handler.ts: config
 * publishing, exports, Cognito administration, SNS, telemetry writes, the
 * replay): with the bundle split, their SDK clients load when first needed
 * rather than at every cold start (infra/bundling/lambda-build.ts).
 *
 * `methods` names every method of the port (the type makes the list
 * complete), because a port is a type and has no run-time list of its own.
 * Concurrent first calls share one load. A load that fails fails the call
 * with a {@link ModuleLoadError} naming `part` (the cause attached), and is
 * tried again by the next call. Errors of the loaded methods pass unchanged.
 */
export function loadedOnFirstCall<T extends AsyncPort<T>>(
  part: string,
  load: () => Promise<T>,
  methods: { readonly [K in keyof T]-?: true },
): T {
  const loaded = sharedOnFirstUse(() =>
    load().catch((cause: unknown) => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ModuleLoadError(`${part} could not be loaded: ${reason}`, { cause });
    }),
  );
  const forwarded = Object.keys(methods).map((name) => {
    const method = name as keyof T;
    const forward = async (...args: never[]): Promise<unknown> => {
      const target = await loaded();
      return (target[method] as (...a: never[]) => Promise<unknown>).apply(target, args);
    };
    return [name, forward] as const;
  });
  return Object.fromEntries(forwarded) as T;
}

/** `build`'s promise, made once on first use and shared (tried again after a failure). */
export function sharedOnFirstUse<T>(build: () => Promise<T>): () => Promise<T> {
  let building: Promise<T> | undefined;
  return () =>
    (building ??= build().catch((error: unknown) => {
      building = undefined;
      throw error;
    }));
}
