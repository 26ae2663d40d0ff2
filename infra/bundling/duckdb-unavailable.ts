/**
 * Stand-in for `@duckdb/node-api` in the Lambda bundles (esbuild `--alias`).
 * DuckDB is the local mode's telemetry store; core/telemetry's index also
 * exports it, so an entry that imports the Timestream store from that index
 * would otherwise drag a native module into the bundle (esbuild cannot
 * resolve its per-platform binaries, and an external import would fail the
 * function at load). Nothing in AWS constructs it; if something ever does,
 * it fails with this message instead of a missing-module crash at cold start.
 */
export class DuckDBInstance {
  static create(): never {
    throw new Error('DuckDB is the local telemetry store and is not bundled into the Lambda functions.');
  }
}
