/**
 * Request targets as a hostile client sends them. `new URL()` throws on
 * targets such as `//x:99999999/` (read as a host with an impossible port)
 * and `decodeURIComponent` on `%E0%A4%A`; either, thrown in a listener,
 * would take the whole local mode down. These helpers never throw.
 */

/** The URL of a request target in origin form (`/path?query`), or undefined when it cannot be one. */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    // Prefixing keeps a target such as `//x:99999999/` a path (as HTTP's origin form says it is).
    return raw.startsWith('/') ? new URL(`http://local${raw}`) : new URL(raw);
  } catch {
    return undefined;
  }
}

/** decodeURIComponent that answers undefined for malformed percent-encoding instead of throwing. */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
