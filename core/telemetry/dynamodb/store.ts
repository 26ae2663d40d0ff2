import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { awsErrorName, isConditionFailed, isTransientAwsError } from '../../shared/aws-errors';
import { ServiceUnavailableError } from '../../shared/errors';
import type { TelemetryStore } from '../port';
import { rangeCursorAfter, rangeCursorToken } from '../range-token';
import { bucketBound, bucketPoint, calibratedReading, rangePage, rawPoint } from '../read-shapes';
import {
  UNFLAGGED,
  type CalibratedReading,
  type Page,
  type RangeQuery,
  type Reading,
  type ReadingPoint,
  type RecordFailure,
  type RecordQuery,
  type ScanQuery,
  type TelemetryRecord,
  type WriteResult,
} from '../types';
import {
  DAY_MS,
  DAY_PREFIX,
  DEFAULT_BACKFILL_DAYS,
  DEFAULT_RETENTION_DAYS,
  HOUR_MS,
  HOUR_PREFIX,
  LATEST_SORT_KEY,
  RAW_PREFIX,
  TELEMETRY_TABLE_KEYS,
  TELEMETRY_TTL_ATTRIBUTE,
  bucketOf,
  latestAttribute,
  padTime,
  partitionKeyOf,
  rawSortKey,
  rollupSortKey,
  timeOfSortKey,
} from './layout';

export interface DynamoDbTelemetryOptions {
  /** A DynamoDB client (AWS, or dynalite locally); the store builds its document client on it. */
  client: DynamoDBClient;
  tableName: string;
  /** Days raw items and rollups are kept before TTL deletes them (default 3650). */
  retentionDays?: number;
  /** Days back a write may go (default 366, never more than the retention). */
  backfillDays?: number;
  /** Requests in flight at once during a write (default 16). */
  concurrency?: number;
  clock?: () => number;
}

/** One sensor's reading as a raw item keeps it: every field the pipeline gave, but the sensor id (the map key). */
type StoredReading = Omit<CalibratedReading, 'sensor'> & Record<string, unknown>;

interface RawItem {
  pk: string;
  sk: string;
  /** The record's config version (a reading recalibrated on its own carries its own in `configVersion`). */
  v: number;
  /**
   * The record's store version (TelemetryRecord.version): a write replaces the
   * item only with an equal or higher one. Absent on items written before
   * versions existed, whose version is `v`.
   */
  ver?: number;
  r: Record<string, StoredReading>;
  expiresAt?: number;
}

/** n, sum, min, max of one sensor in one bucket. */
interface Stats {
  n: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * One sensor's stats in a rollup, by QARTOD flag ("1", "2", "3", "4", "9"),
 * so a bucket can count the values up to any minQuality and say how many it
 * left out. A rollup written before quality control holds plain Stats: all
 * unflagged (2).
 */
type FlagStats = Record<string, Stats>;

interface RollupItem {
  sk: string;
  s?: Record<string, FlagStats | Stats>;
  expiresAt?: number;
}

interface LatestEntry extends StoredReading {
  /** Epoch ms of the reading. */
  t: number;
  /** Config version that produced the value. */
  cv: number;
  /** Store version of the record it came from (absent on entries written before versions: `cv`). */
  ver?: number;
}

const KEY = TELEMETRY_TABLE_KEYS;

/**
 * The telemetry store on DynamoDB (docs/TELEMETRY.md: layout, correctness and
 * cost). One raw item per message, rollups per device and hour / day kept as
 * readings are written, and one LATEST item per device, all in the device's
 * partition of a table of their own. No transactions (dynalite has none):
 * raw writes are conditional on the config version, and each rollup is
 * recomputed from its sources behind a per-bucket sequence number, so
 * redelivery, crashes and concurrent writers all converge on the same rollup.
 */
export class DynamoDbTelemetryStore implements TelemetryStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly retentionMs: number;
  private readonly backfillMs: number;
  private readonly concurrency: number;
  private readonly clock: () => number;

  constructor(private readonly options: DynamoDbTelemetryOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
    this.backfillMs = Math.min(this.retentionMs, (options.backfillDays ?? DEFAULT_BACKFILL_DAYS) * DAY_MS);
    this.concurrency = options.concurrency ?? 16;
    this.clock = options.clock ?? Date.now;
  }

  oldestWritable(now: number): number {
    return now - this.backfillMs;
  }

  async write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    const failures = new Map<number, RecordFailure>();
    const fail = (indexes: Iterable<number>, reason: string, retryable: boolean) => {
      for (const index of indexes)
        if (!failures.has(index)) failures.set(index, { index, reason, retryable });
    };

    // One item per key; within a batch the last message wins, and every record that wrote it shares its fate.
    const items = new Map<string, { item: RawItem; time: number; deviceId: string; indexes: number[] }>();
    records.forEach((record, index) => {
      const groups =
        record.source === 'legacy'
          ? record.readings.map((r) => [r])
          : [record.readings as CalibratedReading[]];
      for (const readings of groups) {
        const sk = rawSortKey(record.time, record.source, readings[0]?.sensor);
        const key = `${record.deviceId}\u0000${sk}`;
        const indexes = items.get(key)?.indexes ?? [];
        if (indexes.at(-1) !== index) indexes.push(index);
        items.set(key, {
          item: {
            pk: partitionKeyOf(record.deviceId),
            sk,
            v: record.configVersion,
            ver: versionOf(record),
            r: Object.fromEntries(readings.map(({ sensor, ...fields }) => [sensor, fields as StoredReading])),
            [TELEMETRY_TTL_ATTRIBUTE]: this.expiry(record.time + 1),
          },
          time: record.time,
          deviceId: record.deviceId,
          indexes,
        });
      }
    });

    // 1. Raw items. A stored item with a higher version (a recalibration, a late quality flag)
    // wins over an older redelivery; an item from before versions existed has its config version's.
    await inParallel([...items.values()], this.concurrency, async ({ item, indexes }) => {
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: item,
            ConditionExpression:
              'attribute_not_exists(#pk) OR #ver <= :ver OR (attribute_not_exists(#ver) AND #v <= :ver)',
            ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#v': 'v', '#ver': 'ver' },
            ExpressionAttributeValues: { ':ver': item.ver },
          }),
        );
      } catch (err) {
        if (isConditionFailed(err)) return; // superseded: a newer version of the same message is stored
        fail(indexes, failureReason(err), isTransientAwsError(err));
      }
    });

    // 2. Rollups of every bucket the batch touched: hours from raw items, then days from hours.
    // They are recomputed even when the raw write changed nothing: a redelivery after a crash must
    // finish what the first attempt left undone. A failure fails the records of that bucket, so SQS
    // redelivers them and the rollup is computed again.
    const stored = [...items.values()].filter((e) => e.indexes.every((i) => !failures.has(i)));
    for (const [level, size] of [
      ['hour', HOUR_MS],
      ['day', DAY_MS],
    ] as const) {
      await inParallel([...groupBuckets(stored, size).values()], this.concurrency, async (b) => {
        try {
          await this.refreshRollup(level, b.deviceId, b.bucket);
        } catch (err) {
          fail(b.indexes, failureReason(err), true);
        }
      });
    }

    // 3. The LATEST item of each device.
    const latest = new Map<string, { entries: Map<string, LatestEntry>; indexes: Set<number> }>();
    for (const { item, time, deviceId, indexes } of stored) {
      const device = latest.get(deviceId) ?? { entries: new Map(), indexes: new Set<number>() };
      latest.set(deviceId, device);
      for (const index of indexes) device.indexes.add(index);
      for (const [sensor, fields] of Object.entries(item.r)) {
        const current = device.entries.get(sensor);
        const ver = item.ver ?? item.v;
        if (!current || newer(time, ver, current))
          device.entries.set(sensor, { ...fields, t: time, cv: fields.configVersion ?? item.v, ver });
      }
    }
    await inParallel([...latest.entries()], this.concurrency, async ([deviceId, { entries, indexes }]) => {
      try {
        await this.updateLatest(deviceId, entries);
      } catch (err) {
        fail(indexes, failureReason(err), true);
      }
    });

    return { failures: [...failures.values()].sort((a, b) => a.index - b.index) };
  }

  async latest(deviceId: string, sensors?: readonly string[]): Promise<Reading[]> {
    const item = await this.read(() =>
      this.documents.send(
        new GetCommand({
          TableName: this.options.tableName,
          Key: { [KEY.partitionKey]: partitionKeyOf(deviceId), [KEY.sortKey]: LATEST_SORT_KEY },
        }),
      ),
    );
    const wanted = sensors && sensors.length > 0 ? new Set(sensors) : undefined;
    const readings: Reading[] = [];
    for (const [name, entry] of Object.entries(item.Item ?? {})) {
      if (!name.startsWith('S#')) continue;
      const sensor = name.slice(2);
      if (wanted && !wanted.has(sensor)) continue;
      const { t, cv, ver: _ver, ...fields } = entry as LatestEntry;
      readings.push(readingOf(deviceId, sensor, t, { ...fields, configVersion: cv }, cv));
    }
    return readings.sort((a, b) => a.sensor.localeCompare(b.sensor));
  }

  async range(query: RangeQuery): Promise<Page<ReadingPoint>> {
    const after = rangeCursorAfter(query.nextToken);
    if (query.intervalMs === undefined) return this.rawRange(query, after);
    return this.bucketRange(query, query.intervalMs, after);
  }

  async *scan(query: ScanQuery): AsyncIterable<Reading[]> {
    const wanted = new Set(query.sensors);
    // Readings of one time are held until the time changes: a legacy message can share a device
    // message's millisecond, and the later item (in key order) replaces the earlier one, as in rollups.
    let group: { time: number; readings: Map<string, Reading> } | undefined;
    for await (const page of this.rawPages(query.deviceId, query.from, query.to, false)) {
      const out: Reading[] = [];
      for (const item of page) {
        const time = timeOfSortKey(item.sk);
        if (group && group.time !== time) {
          out.push(...sorted(group.readings));
          group = undefined;
        }
        group ??= { time, readings: new Map() };
        for (const [sensor, fields] of Object.entries(item.r ?? {})) {
          if (!wanted.has(sensor)) continue;
          group.readings.set(sensor, readingOf(query.deviceId, sensor, time, fields, item.v));
        }
      }
      if (out.length > 0) yield out;
    }
    if (group && group.readings.size > 0) yield sorted(group.readings);
  }

  async records(query: RecordQuery): Promise<Page<TelemetryRecord>> {
    const after = rangeCursorAfter(query.nextToken);
    const start = after === undefined ? query.from : Math.max(query.from, after + 1);
    const items: TelemetryRecord[] = [];
    let more = false;
    // Strongly consistent: a recalibration rewrites what it reads, and must read what was just written.
    pages: for await (const page of this.rawPages(query.deviceId, start, query.to, true, query.limit + 1)) {
      for (const item of page) {
        if (!item.r?.[query.sensor]) continue;
        const time = timeOfSortKey(item.sk);
        // The cursor is a time: the items sharing the last one's millisecond (a legacy message beside
        // a device message) stay on the same page, so none is skipped.
        if (items.length >= query.limit && items.at(-1)?.time !== time) {
          more = true;
          break pages;
        }
        items.push(recordOf(query.deviceId, item));
      }
    }
    const last = items.at(-1);
    return { items, nextToken: more && last ? rangeCursorToken(last.time) : null };
  }

  // ---- reads

  private async rawRange(query: RangeQuery, after: number | undefined): Promise<Page<ReadingPoint>> {
    const start = after === undefined ? query.from : Math.max(query.from, after + 1);
    const points: ReadingPoint[] = [];
    pages: for await (const page of this.rawPages(query.deviceId, start, query.to, false, query.limit + 1)) {
      for (const item of page) {
        const reading = item.r?.[query.sensor];
        if (!reading) continue;
        const qcFlag = flagOf(reading);
        if (query.minQuality !== undefined && qcFlag > query.minQuality) continue;
        const p = rawPoint(timeOfSortKey(item.sk), {
          value: reading.value,
          raw: reading.raw,
          outOfRange: reading.outOfRange,
          qcFlag,
          qcTests: testsOf(reading),
        });
        if (points.at(-1)?.time === p.time) points[points.length - 1] = p;
        else if (points.length > query.limit) break pages;
        else points.push(p);
      }
    }
    return rangePage(
      points,
      query.limit,
      (p) => Date.parse(p.time),
      (p) => p,
    );
  }

  /**
   * Buckets of `interval` ms: from day rollups when the interval is whole days, hour rollups when
   * whole hours, raw items otherwise (5 m); the parts of the range that do not cover a whole rollup
   * bucket (an unaligned `from` or `to`) come from raw items, so the answer equals the raw data's.
   * The range is walked in windows of `limit + 1` buckets, so a page reads only what it returns.
   */
  private async bucketRange(
    query: RangeQuery,
    interval: number,
    after: number | undefined,
  ): Promise<Page<ReadingPoint>> {
    const grain = interval % DAY_MS === 0 ? DAY_MS : interval % HOUR_MS === 0 ? HOUR_MS : undefined;
    // Values flagged worse than the bound are left out of the stats and counted in `excluded`.
    const bound = bucketBound(query);
    const buckets = new Map<number, { kept: Stats | undefined; excluded: number }>();
    const add = (time: number, byFlag: FlagStats) => {
      const b = bucketOf(time, interval);
      const bucket = buckets.get(b) ?? { kept: undefined, excluded: 0 };
      buckets.set(b, bucket);
      for (const [flag, stats] of Object.entries(byFlag)) {
        if (stats.n <= 0) continue;
        if (Number(flag) > bound) bucket.excluded += stats.n;
        else bucket.kept = bucket.kept ? merge(bucket.kept, stats) : { ...stats };
      }
    };
    let windowStart = after === undefined ? query.from : Math.max(query.from, after + interval);
    while (windowStart < query.to && buckets.size <= query.limit) {
      const windowEnd = Math.min(query.to, bucketOf(windowStart, interval) + (query.limit + 1) * interval);
      const alignedStart = grain === undefined ? windowEnd : Math.ceil(windowStart / grain) * grain;
      const alignedEnd = grain === undefined ? windowEnd : bucketOf(windowEnd, grain);
      if (grain !== undefined && alignedStart < alignedEnd) {
        await this.addRaw(query, windowStart, alignedStart, add);
        for await (const page of this.rollupPages(query.deviceId, grain, alignedStart, alignedEnd)) {
          for (const item of page) {
            const stats = item.s?.[query.sensor];
            if (stats) add(timeOfSortKey(item.sk), byFlagOf(stats));
          }
        }
        await this.addRaw(query, alignedEnd, windowEnd, add);
      } else {
        await this.addRaw(query, windowStart, windowEnd, add);
      }
      windowStart = windowEnd;
    }
    const ordered = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
    return rangePage(
      ordered,
      query.limit,
      ([time]) => time,
      ([time, { kept, excluded }]) =>
        bucketPoint(time, {
          avg: kept ? kept.sum / kept.n : null,
          min: kept ? kept.min : null,
          max: kept ? kept.max : null,
          count: kept ? kept.n : 0,
          excluded,
        }),
    );
  }

  private async addRaw(
    query: RangeQuery,
    from: number,
    to: number,
    add: (time: number, byFlag: FlagStats) => void,
  ): Promise<void> {
    if (from >= to) return;
    for (const [time, { value, flag }] of await this.sensorValues(
      query.deviceId,
      query.sensor,
      from,
      to,
      false,
    )) {
      add(time, { [flag]: { n: 1, sum: value, min: value, max: value } });
    }
  }

  /** One sensor's values and flags by time in [from, to) (a later item of the same time replaces an earlier one). */
  private async sensorValues(
    deviceId: string,
    sensor: string,
    from: number,
    to: number,
    consistent: boolean,
  ): Promise<Map<number, { value: number; flag: number }>> {
    const values = new Map<number, { value: number; flag: number }>();
    for await (const page of this.rawPages(deviceId, from, to, consistent)) {
      for (const item of page) {
        const reading = item.r?.[sensor];
        if (typeof reading?.value === 'number')
          values.set(timeOfSortKey(item.sk), { value: reading.value, flag: flagOf(reading) });
      }
    }
    return values;
  }

  /** Raw items of a device in [from, to), oldest first, page by page; items past their TTL are left out. */
  private rawPages(
    deviceId: string,
    from: number,
    to: number,
    consistent: boolean,
    pageLimit?: number,
  ): AsyncIterable<RawItem[]> {
    // BETWEEN is inclusive; `R#<to>` sorts before every item of time `to` (`R#<to>#D`), so `to` is excluded.
    return this.queryPages<RawItem>(
      deviceId,
      `${RAW_PREFIX}${padTime(Math.max(0, from))}`,
      `${RAW_PREFIX}${padTime(Math.max(0, to))}`,
      consistent,
      pageLimit,
    );
  }

  private rollupPages(
    deviceId: string,
    grain: number,
    from: number,
    to: number,
    consistent = false,
  ): AsyncIterable<RollupItem[]> {
    const prefix = grain === DAY_MS ? DAY_PREFIX : HOUR_PREFIX;
    return this.queryPages<RollupItem>(
      deviceId,
      `${prefix}${padTime(from)}`,
      `${prefix}${padTime(to - 1)}`,
      consistent,
    );
  }

  private async *queryPages<T extends { expiresAt?: number }>(
    deviceId: string,
    low: string,
    high: string,
    consistent: boolean,
    pageLimit?: number,
  ): AsyncIterable<T[]> {
    if (low > high) return;
    // DynamoDB deletes expired items within days, not at once (and dynalite never): reads skip them.
    const nowSeconds = Math.floor(this.clock() / 1000);
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const output = await this.read(() =>
        this.documents.send(
          new QueryCommand({
            TableName: this.options.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
            ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
            ExpressionAttributeValues: { ':pk': partitionKeyOf(deviceId), ':low': low, ':high': high },
            ConsistentRead: consistent,
            ...(pageLimit ? { Limit: pageLimit } : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      const items = ((output.Items ?? []) as T[]).filter(
        (item) => item.expiresAt === undefined || item.expiresAt > nowSeconds,
      );
      if (items.length > 0) yield items;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
  }

  private async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (cause) {
      throw new ServiceUnavailableError('The telemetry store could not answer; try again.', { cause });
    }
  }

  // ---- writes

  /**
   * Recomputes one rollup from its sources. The sequence number makes the last
   * write the newest computation: a writer first bumps `q` (after its raw
   * write), then reads the sources with a strongly consistent Query, then
   * stores its result only if no computation with a higher sequence number is
   * stored already. Whoever stores sequence n read the sources after every
   * writer that drew a number <= n had written them (docs/TELEMETRY.md).
   */
  private async refreshRollup(level: 'hour' | 'day', deviceId: string, bucket: number): Promise<void> {
    const Key = {
      [KEY.partitionKey]: partitionKeyOf(deviceId),
      [KEY.sortKey]: rollupSortKey(level, bucket),
    };
    const bumped = await this.documents.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key,
        UpdateExpression: 'ADD #q :one',
        ExpressionAttributeNames: { '#q': 'q' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq = Number(bumped.Attributes?.q);
    const stats: Record<string, FlagStats> = {};
    const addTo = (sensor: string, flag: string, s: Stats) => {
      const byFlag = (stats[sensor] ??= {});
      const current = byFlag[flag];
      byFlag[flag] = current ? merge(current, s) : { ...s };
    };
    if (level === 'hour') {
      const bySensor = new Map<string, Map<number, { value: number; flag: number }>>();
      for await (const page of this.rawPages(deviceId, bucket, bucket + HOUR_MS, true)) {
        for (const item of page) {
          const time = timeOfSortKey(item.sk);
          for (const [sensor, fields] of Object.entries(item.r ?? {})) {
            if (typeof fields.value !== 'number') continue;
            const values = bySensor.get(sensor) ?? new Map<number, { value: number; flag: number }>();
            bySensor.set(sensor, values);
            values.set(time, { value: fields.value, flag: flagOf(fields) });
          }
        }
      }
      for (const [sensor, values] of bySensor) {
        for (const { value, flag } of values.values())
          addTo(sensor, String(flag), { n: 1, sum: value, min: value, max: value });
      }
    } else {
      for await (const page of this.rollupPages(deviceId, HOUR_MS, bucket, bucket + DAY_MS, true)) {
        for (const item of page) {
          for (const [sensor, s] of Object.entries(item.s ?? {})) {
            for (const [flag, one] of Object.entries(byFlagOf(s))) if (one.n > 0) addTo(sensor, flag, one);
          }
        }
      }
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key,
          UpdateExpression: 'SET #s = :s, #cq = :q, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#cq) OR #cq < :q',
          ExpressionAttributeNames: { '#s': 's', '#cq': 'cq', '#ttl': TELEMETRY_TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':s': stats,
            ':q': seq,
            ':ttl': this.expiry(bucket + (level === 'hour' ? HOUR_MS : DAY_MS)),
          },
        }),
      );
    } catch (err) {
      // A computation that read the sources later is stored already; it includes this writer's items.
      if (!isConditionFailed(err)) throw err;
    }
  }

  /**
   * Sets each sensor's newest reading on the device's LATEST item, each only if
   * it is newer than the stored one (time, then config version). One request
   * for the whole device when every sensor moves forward; otherwise one per sensor.
   */
  private async updateLatest(deviceId: string, entries: Map<string, LatestEntry>): Promise<void> {
    const Key = { [KEY.partitionKey]: partitionKeyOf(deviceId), [KEY.sortKey]: LATEST_SORT_KEY };
    const attempt = async (list: [string, LatestEntry][]): Promise<boolean> => {
      const names: Record<string, string> = { '#t': 't', '#cv': 'cv', '#ver': 'ver' };
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      const conditions: string[] = [];
      list.forEach(([sensor, entry], i) => {
        names[`#a${i}`] = latestAttribute(sensor);
        values[`:e${i}`] = entry;
        values[`:t${i}`] = entry.t;
        values[`:v${i}`] = entry.ver ?? entry.cv;
        sets.push(`#a${i} = :e${i}`);
        // At the same time the higher version wins; an entry from before versions has its config version's.
        conditions.push(
          `(attribute_not_exists(#a${i}) OR #a${i}.#t < :t${i} OR (#a${i}.#t = :t${i} AND ` +
            `(#a${i}.#ver <= :v${i} OR (attribute_not_exists(#a${i}.#ver) AND #a${i}.#cv <= :v${i}))))`,
        );
      });
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key,
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    };
    const all = [...entries.entries()];
    if (all.length === 0 || (await attempt(all)) || all.length === 1) return;
    // Some sensor has a newer reading stored (a late or legacy message): each sensor on its own.
    for (const one of all) await attempt([one]);
  }

  /** Epoch seconds of the TTL of an item whose data ends at `end` (ms). */
  private expiry(end: number): number {
    return Math.ceil((end + this.retentionMs) / 1000);
  }
}

function newer(time: number, version: number, current: LatestEntry): boolean {
  return time > current.t || (time === current.t && version >= (current.ver ?? current.cv));
}

/** The store version of a record: its own, else (written before versions existed) its config version. */
const versionOf = (record: TelemetryRecord): number => record.version ?? record.configVersion;

/** A stored reading's QARTOD flag; one stored without a flag was not evaluated. */
const flagOf = (reading: StoredReading): number =>
  typeof reading.qcFlag === 'number' ? reading.qcFlag : UNFLAGGED;

const testsOf = (reading: StoredReading): string[] =>
  Array.isArray(reading.qcTests) ? reading.qcTests.map(String) : [];

/** A rollup's stats of one sensor by flag; a rollup from before quality control counts all as unflagged. */
function byFlagOf(stats: FlagStats | Stats): FlagStats {
  return typeof stats.n === 'number' ? { [UNFLAGGED]: stats as Stats } : (stats as FlagStats);
}

/** A stored reading as the port's Reading; its own config version (a recalibrated sensor) before the item's. */
function readingOf(
  deviceId: string,
  sensor: string,
  time: number,
  fields: StoredReading,
  itemVersion: number,
): Reading {
  return {
    deviceId,
    sensor,
    time: new Date(time).toISOString(),
    value: fields.value,
    raw: fields.raw,
    unit: fields.unit ?? null,
    outOfRange: fields.outOfRange,
    configVersion: fields.configVersion ?? itemVersion,
    qcFlag: flagOf(fields),
    qcTests: testsOf(fields),
  };
}

/** A raw item read back whole, as recalibration rewrites it. */
function recordOf(deviceId: string, item: RawItem): TelemetryRecord {
  const readings: CalibratedReading[] = Object.entries(item.r ?? {})
    .map(([sensor, fields]) =>
      calibratedReading(
        {
          sensor,
          raw: fields.raw,
          value: fields.value,
          unit: fields.unit ?? null,
          outOfRange: fields.outOfRange,
        },
        {
          qcFlag: typeof fields.qcFlag === 'number' ? fields.qcFlag : null,
          qcTests: Array.isArray(fields.qcTests) ? fields.qcTests.map(String) : null,
          configVersion: typeof fields.configVersion === 'number' ? fields.configVersion : null,
        },
      ),
    )
    .sort((a, b) => a.sensor.localeCompare(b.sensor));
  return {
    deviceId,
    time: timeOfSortKey(item.sk),
    configVersion: item.v,
    source: item.sk.startsWith('#L#', 2 + 13) ? 'legacy' : 'device',
    readings,
    version: item.ver ?? item.v,
  };
}

function merge(a: Stats, b: Stats): Stats {
  return { n: a.n + b.n, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

function groupBuckets(
  stored: readonly { time: number; deviceId: string; indexes: number[] }[],
  size: number,
): Map<string, { deviceId: string; bucket: number; indexes: Set<number> }> {
  const buckets = new Map<string, { deviceId: string; bucket: number; indexes: Set<number> }>();
  for (const { time, deviceId, indexes } of stored) {
    const bucket = bucketOf(time, size);
    const key = `${deviceId}\u0000${bucket}`;
    const entry = buckets.get(key) ?? { deviceId, bucket, indexes: new Set<number>() };
    buckets.set(key, entry);
    for (const index of indexes) entry.indexes.add(index);
  }
  return buckets;
}

const sorted = (readings: Map<string, Reading>): Reading[] =>
  [...readings.values()].sort((a, b) => a.sensor.localeCompare(b.sensor));

function failureReason(err: unknown): string {
  const name = awsErrorName(err) ?? 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return `DynamoDB telemetry store: ${name}: ${message}`;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  });
  await Promise.all(workers);
}
