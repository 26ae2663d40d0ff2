import { DuckDBInstance } from '@duckdb/node-api';
import type { TelemetryStore } from '../../core/telemetry';
import { allItems } from '../../testkit/pages';

/** Every stored point of one sensor in [from, to), all pages, as `time -> value`. */
export async function storedPoints(
  store: Pick<TelemetryStore, 'range'>,
  deviceId: string,
  sensor: string,
  from: number,
  to: number,
): Promise<Map<number, number | null>> {
  const items = await allItems((nextToken) =>
    store.range({ deviceId, sensor, from, to, limit: 1000, nextToken }),
  );
  return new Map(items.map((p) => [Date.parse(p.time), p.value ?? null]));
}

/**
 * Every row of a closed DuckDB telemetry file, in key order, each column as
 * stored: what "identical stored data" compares.
 */
export async function dumpDuckDbRows(path: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      'SELECT device_id, sensor, time, value, raw, unit, out_of_range, config_version FROM readings ORDER BY device_id, sensor, time',
    );
    return reader.getRowObjectsJS().map((row) => ({ ...row, time: Number(row.time) }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
