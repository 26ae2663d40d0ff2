/**
 * The DynamoDB telemetry table: its definition (infra/ and local/ both create
 * it from here) and the item layout the store reads and writes. The why and
 * the cost arithmetic are in docs/TELEMETRY.md.
 *
 * | item                    | pk            | sk                    | attributes                                             |
 * | raw message             | T#<deviceId>  | R#<time:13>#D         | v (config version), ver (store version), r: { <sensor>: reading fields } |
 * | raw legacy message      | T#<deviceId>  | R#<time:13>#L#<sensor>| the same, one sensor                                    |
 * | hour rollup             | T#<deviceId>  | H#<bucket:13>         | s: { <sensor>: { <qcFlag>: { n, sum, min, max } } }, q, cq |
 * | day rollup              | T#<deviceId>  | D#<bucket:13>         | the same, built from the hour rollups of the day        |
 * | latest of each sensor   | T#<deviceId>  | LATEST                | S#<sensor>: { t, cv, ver, ...reading fields }           |
 *
 * Every item but LATEST carries `expiresAt` (epoch seconds), the table's TTL attribute.
 */
export const TELEMETRY_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The TTL attribute: epoch seconds after which DynamoDB deletes the item (within days, not at once). */
export const TELEMETRY_TTL_ATTRIBUTE = 'expiresAt';

/** Name of the telemetry table of a stage (CONTRACT.md section 4 prefixes every resource). */
export const telemetryTableNameFor = (stage: string): string => `yvr-${stage}-telemetry`;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** How long raw items and rollups are kept by default (TTL); the Timestream magnetic store keeps ten years. */
export const DEFAULT_RETENTION_DAYS = 3650;
/** How far back a write may go by default: a buoy offline for weeks, up to a year, still lands (docs/TELEMETRY.md). */
export const DEFAULT_BACKFILL_DAYS = 366;

export const partitionKeyOf = (deviceId: string): string => `T#${deviceId}`;

/** Times are zero-padded to 13 digits so the sort key orders them (epoch ms stays 13 digits until 2286). */
export const padTime = (time: number): string => String(time).padStart(13, '0');

export const RAW_PREFIX = 'R#';
export const HOUR_PREFIX = 'H#';
export const DAY_PREFIX = 'D#';
export const LATEST_SORT_KEY = 'LATEST';

/** Sort key of a raw item: one per message; legacy one-sensor messages are kept apart per sensor. */
export function rawSortKey(time: number, source: 'device' | 'legacy', sensor?: string): string {
  return source === 'legacy'
    ? `${RAW_PREFIX}${padTime(time)}#L#${sensor ?? ''}`
    : `${RAW_PREFIX}${padTime(time)}#D`;
}

/** The time a raw or rollup sort key carries. */
export const timeOfSortKey = (sk: string): number => Number(sk.slice(2, 15));

export const rollupSortKey = (level: 'hour' | 'day', bucket: number): string =>
  `${level === 'hour' ? HOUR_PREFIX : DAY_PREFIX}${padTime(bucket)}`;

/** The attribute of LATEST that holds one sensor's newest reading. */
export const latestAttribute = (sensor: string): string => `S#${sensor}`;

/** Start of the bucket of `size` ms (aligned to the epoch, as Timestream's bin() and DuckDB's buckets are). */
export const bucketOf = (time: number, size: number): number => Math.floor(time / size) * size;
