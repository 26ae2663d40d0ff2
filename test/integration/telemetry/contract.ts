import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryStore } from '../../../core/telemetry';
import type { TelemetryRecord } from '../../../core/telemetry/types';
import { NOW } from '../../../testkit/telemetry-fixtures';

/** A store under test and how to let it go. */
export interface StoreUnderTest {
  store: TelemetryStore;
  close(): Promise<void>;
}

const MIN = 60_000;
const T0 = NOW - 6 * 3_600_000;

function rec(
  deviceId: string,
  time: number,
  values: Record<string, number>,
  configVersion = 1,
): TelemetryRecord {
  return {
    deviceId,
    time,
    configVersion,
    source: 'device',
    readings: Object.entries(values).map(([sensor, value]) => ({
      sensor,
      raw: value * 10,
      value,
      unit: sensor === 'ph' ? 'pH' : null,
      outOfRange: value > 8,
    })),
  };
}

/** Ten minutes of one-minute ph/tmp readings of b1, and one of b2. */
const BATCH: TelemetryRecord[] = [
  ...Array.from({ length: 10 }, (_, i) => rec('b1', T0 + i * MIN, { ph: 7 + i / 10, tmp: 10 + i })),
  rec('b2', T0, { ph: 6 }),
];

/** How BATCH's sensors read back: ph in pH and within range, tmp without a unit and out of range (over 8). */
const AS_STORED = { ph: { unit: 'pH', outOfRange: false }, tmp: { unit: null, outOfRange: true } } as const;

/** One of BATCH's b1 readings as latest and scan return it: at minute `minute`, config version 1, unflagged. */
const storedReading = (sensor: keyof typeof AS_STORED, minute: number, value: number, raw: number) => ({
  deviceId: 'b1',
  sensor,
  time: new Date(T0 + minute * MIN).toISOString(),
  value,
  raw,
  ...AS_STORED[sensor],
  configVersion: 1,
  qcFlag: 2,
  qcTests: [],
});

/** A query of one sensor of b1 (or `deviceId`) over all the test data, T0 to NOW. */
const wholeRange = (sensor: string, limit: number, deviceId = 'b1') => ({
  deviceId,
  sensor,
  from: T0,
  to: NOW,
  limit,
});

/** A bucket query of one sensor of b1 over the `minutes` from T0. */
const bucketQuery = (sensor: string, minutes: number, intervalMinutes: number, limit: number) => ({
  deviceId: 'b1',
  sensor,
  from: T0,
  to: T0 + minutes * MIN,
  intervalMs: intervalMinutes * MIN,
  limit,
});

/** A bucket of raw readings from minute `minute` as range returns it, nothing left out. */
const bucketAt = (minute: number, avg: number, min: number, max: number, count: number) => ({
  time: new Date(T0 + minute * MIN).toISOString(),
  avg,
  min,
  max,
  count,
  value: null,
  raw: null,
  outOfRange: null,
  qcFlag: null,
  qcTests: null,
  excluded: 0,
});

/**
 * The telemetry port's contract: every adapter runs these same tests
 * (DuckDB directly; Timestream through its SDK client against a fake).
 */
export function telemetryStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let sut: StoreUnderTest;
    beforeEach(async () => {
      sut = await open();
    });
    afterEach(async () => {
      await sut.close();
    });

    it('stores a batch without failures', async () => {
      expect(await sut.store.write(BATCH)).toEqual({ failures: [] });
    });

    it('returns the newest reading of each sensor of a device', async () => {
      await sut.store.write(BATCH);
      const latest = await sut.store.latest('b1', ['ph', 'tmp']);
      expect([...latest].sort((a, b) => a.sensor.localeCompare(b.sensor))).toEqual([
        storedReading('ph', 9, 7.9, 79),
        storedReading('tmp', 9, 19, 190),
      ]);
    });

    it('leaves identical rows when the same batch is written three times', async () => {
      await sut.store.write(BATCH);
      const once = await sut.store.range(wholeRange('ph', 100));
      expect((await sut.store.write(BATCH)).failures).toEqual([]);
      expect((await sut.store.write(BATCH)).failures).toEqual([]);
      const thrice = await sut.store.range(wholeRange('ph', 100));
      expect(thrice).toEqual(once);
      expect(thrice.items).toHaveLength(10);
    });

    it('reads raw points oldest first in [from, to), page by page', async () => {
      await sut.store.write(BATCH);
      const page = (nextToken?: string | null) =>
        sut.store.range({
          deviceId: 'b1',
          sensor: 'ph',
          from: T0 + MIN,
          to: T0 + 8 * MIN,
          limit: 4,
          nextToken,
        });
      const first = await page();
      expect(first.items.map((p) => p.value)).toEqual([7.1, 7.2, 7.3, 7.4]);
      expect(first.items[0]).toMatchObject({
        time: new Date(T0 + MIN).toISOString(),
        raw: 71,
        outOfRange: false,
      });
      expect(first.nextToken).not.toBeNull();
      const second = await page(first.nextToken);
      expect(second.items.map((p) => p.value)).toEqual([7.5, 7.6, 7.7]);
      expect(second.nextToken).toBeNull();
    });

    it('reads buckets with avg, min, max and count, page by page', async () => {
      await sut.store.write(BATCH);
      const query = bucketQuery('tmp', 10, 5, 1);
      const first = await sut.store.range(query);
      expect(first.items).toEqual([bucketAt(0, 12, 10, 14, 5)]);
      const second = await sut.store.range({ ...query, nextToken: first.nextToken });
      expect(second.items).toEqual([bucketAt(5, 17, 15, 19, 5)]);
      expect(second.nextToken).toBeNull();
    });

    it('keeps devices apart', async () => {
      await sut.store.write(BATCH);
      const b2 = await sut.store.range(wholeRange('ph', 100, 'b2'));
      expect(b2.items.map((p) => p.value)).toEqual([6]);
      expect((await sut.store.latest('b2', ['ph'])).map((r) => r.value)).toEqual([6]);
    });

    it('answers nothing for a sensor or device it has no readings of', async () => {
      await sut.store.write(BATCH);
      expect(await sut.store.range(wholeRange('co2', 10))).toEqual({
        items: [],
        nextToken: null,
      });
      expect(await sut.store.latest('ghost', ['ph'])).toEqual([]);
    });

    it('scans every reading of the asked sensors oldest first, one time by sensor', async () => {
      await sut.store.write(BATCH);
      const batches: string[][] = [];
      const rows = [];
      for await (const batch of sut.store.scan({
        deviceId: 'b1',
        sensors: ['tmp', 'ph', 'co2'],
        from: T0 + MIN,
        to: T0 + 3 * MIN,
      })) {
        batches.push(batch.map((r) => r.sensor));
        rows.push(...batch);
      }
      expect(rows).toEqual([
        storedReading('ph', 1, 7.1, 71),
        storedReading('tmp', 1, 11, 110),
        storedReading('ph', 2, 7.2, 72),
        storedReading('tmp', 2, 12, 120),
      ]);
      expect(batches.length).toBeGreaterThan(0);
    });

    it('accepts readings as late as it allows (weeks where it can) and serves them in buckets', async () => {
      // Weeks late, or just inside the store's window when it is shorter (Timestream's memory store).
      const late = Math.max(sut.store.oldestWritable(NOW) + 3_600_000, NOW - 20 * 86_400_000);
      await sut.store.write(BATCH);
      expect(
        (await sut.store.write([rec('b1', late, { do: 6.5 }), rec('b1', late + MIN, { do: 7.5 })])).failures,
      ).toEqual([]);
      const day = Math.floor(late / 86_400_000) * 86_400_000;
      const page = await sut.store.range({
        deviceId: 'b1',
        sensor: 'do',
        from: day,
        to: day + 2 * 86_400_000,
        intervalMs: 86_400_000,
        limit: 10,
      });
      expect(page.items).toMatchObject([
        { time: new Date(day).toISOString(), avg: 7, min: 6.5, max: 7.5, count: 2 },
      ]);
    });

    it('replaces a reading when it is recalibrated with a newer config version', async () => {
      await sut.store.write([rec('b1', T0, { ph: 7 })]);
      expect((await sut.store.write([rec('b1', T0, { ph: 7.5 }, 2)])).failures).toEqual([]);
      const page = await sut.store.range(wholeRange('ph', 10));
      expect(page.items.map((p) => p.value)).toEqual([7.5]);
    });

    describe('quality flags', () => {
      /** b1's ph at one-minute steps: 7, 7.1 (suspect: spike), 20 (fail: gross range), 7.3. */
      const flagged = (): TelemetryRecord[] => {
        const flags = [
          { qcFlag: 1, qcTests: [] },
          { qcFlag: 3, qcTests: ['spike'] },
          { qcFlag: 4, qcTests: ['gross_range', 'spike'] },
          { qcFlag: 1, qcTests: [] },
        ];
        return [7, 7.1, 20, 7.3].map((v, i) => {
          const r = rec('b1', T0 + i * MIN, { ph: v, tmp: 10 + i });
          r.readings[0] = { ...r.readings[0]!, ...flags[i]! };
          r.version = 1_000 + i;
          return r;
        });
      };

      it('stores qcFlag and qcTests with each reading and reads them back', async () => {
        expect((await sut.store.write(flagged())).failures).toEqual([]);
        const page = await sut.store.range(wholeRange('ph', 10));
        expect(page.items.map((p) => [p.value, p.qcFlag, p.qcTests])).toEqual([
          [7, 1, []],
          [7.1, 3, ['spike']],
          [20, 4, ['gross_range', 'spike']],
          [7.3, 1, []],
        ]);
        // A reading stored without a flag reads as 2, not evaluated.
        const tmp = await sut.store.range(wholeRange('tmp', 10));
        expect(tmp.items.map((p) => p.qcFlag)).toEqual([2, 2, 2, 2]);
        const latest = await sut.store.latest('b1', ['ph']);
        expect(latest.map((r) => [r.value, r.qcFlag, r.qcTests])).toEqual([[7.3, 1, []]]);
      });

      it('hides raw points flagged worse than minQuality', async () => {
        await sut.store.write(flagged());
        const q = wholeRange('ph', 10);
        expect((await sut.store.range({ ...q, minQuality: 3 })).items.map((p) => p.value)).toEqual([
          7, 7.1, 7.3,
        ]);
        expect((await sut.store.range({ ...q, minQuality: 1 })).items.map((p) => p.value)).toEqual([7, 7.3]);
      });

      it('counts only passing values in buckets by default and says how many it left out', async () => {
        await sut.store.write(flagged());
        const q = bucketQuery('ph', 10, 10, 5);
        const [bucket] = (await sut.store.range(q)).items;
        expect(bucket).toMatchObject({ count: 3, excluded: 1, max: 7.3, min: 7 });
        expect(bucket?.avg).toBeCloseTo((7 + 7.1 + 7.3) / 3, 9);
        const [all] = (await sut.store.range({ ...q, minQuality: 4 })).items;
        expect(all).toMatchObject({ count: 4, excluded: 0, max: 20 });
      });

      it('reads whole records back and replaces them with a newer version', async () => {
        await sut.store.write(flagged());
        const page = await sut.store.records(wholeRange('ph', 3));
        expect(page.items.map((r) => r.time)).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
        expect(page.nextToken).not.toBeNull();
        const third = page.items[2]!;
        expect([...third.readings].sort((a, b) => a.sensor.localeCompare(b.sensor))).toMatchObject([
          { sensor: 'ph', value: 20, raw: 200, qcFlag: 4, qcTests: ['gross_range', 'spike'], unit: 'pH' },
          { sensor: 'tmp', value: 12, raw: 120 },
        ]);
        const rest = await sut.store.records({ ...wholeRange('ph', 3), nextToken: page.nextToken });
        expect(rest.items.map((r) => r.time)).toEqual([T0 + 3 * MIN]);
        expect(rest.nextToken).toBeNull();

        const rewritten: TelemetryRecord = {
          ...third,
          version: 5_000,
          readings: third.readings.map((r) =>
            r.sensor === 'ph' ? { ...r, value: 2, qcFlag: 1, qcTests: [], configVersion: 2 } : r,
          ),
        };
        expect((await sut.store.write([rewritten])).failures).toEqual([]);
        const after = await sut.store.range(wholeRange('ph', 10));
        expect(after.items[2]).toMatchObject({ value: 2, raw: 200, qcFlag: 1, qcTests: [] });
        const tmp = await sut.store.range(wholeRange('tmp', 10));
        expect(tmp.items[2]).toMatchObject({ value: 12, raw: 120 });
        const again = await sut.store.records({
          deviceId: 'b1',
          sensor: 'ph',
          from: T0 + 2 * MIN,
          to: NOW,
          limit: 1,
        });
        // Which config version calibrated each value, however the store keeps it.
        const record = again.items[0]!;
        const versionOf = (sensor: string) =>
          record.readings.find((r) => r.sensor === sensor)?.configVersion ?? record.configVersion;
        expect([versionOf('ph'), versionOf('tmp')]).toEqual([2, 1]);
      });
    });
  });
}
