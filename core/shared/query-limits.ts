/**
 * Limits that keep one GraphQL request from costing more than a page of
 * work: the local server enforces them before execution, and infra sets
 * AppSync's own limits from the same numbers (queryDepthLimit,
 * resolverCountLimit), so a query refused in AWS is refused locally too.
 */
export interface QueryLimits {
  /**
   * Deepest field nesting. The schema's deepest real path
   * (devices.items.sensors.calibration.points.raw) is 6, but GraphiQL's
   * introspection query reaches 12 through its nested `ofType`s.
   */
  maxDepth: number;
  /** Fields in the whole operation after fragments are expanded (aliases count each time). */
  maxFields: number;
  /**
   * Root fields: each one is an API handler call, so an alias flood on a root field is the costly
   * attack. Only root fields have resolvers, so this is AppSync's resolver count per request.
   */
  maxRootFields: number;
}

export const QUERY_LIMITS: QueryLimits = { maxDepth: 15, maxFields: 500, maxRootFields: 10 };
