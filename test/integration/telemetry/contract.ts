import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryStore } from '../../../core/telemetry';
import type { TelemetryRecord } from '../../../core/telemetry/types';
import { NOW } from '../../helpers/telemetry-fixtures';

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
        {
          deviceId: 'b1',
          sensor: 'ph',
          time: new Date(T0 + 9 * MIN).toISOString(),
          value: 7.9,
          raw: 79,
          unit: 'pH',
          outOfRange: false,
          configVersion: 1,
          qcFlag: 2,
          qcTests: [],
        },
        {
          deviceId: 'b1',
          sensor: 'tmp',
          time: new Date(T0 + 9 * MIN).toISOString(),
          value: 19,
          raw: 190,
          unit: null,
          outOfRange: true,
          configVersion: 1,
          qcFlag: 2,
          qcTests: [],
        },
      ]);
    });

    it('leaves identical rows when the same batch is written three times', async () => {
      await sut.store.write(BATCH);
      const once = await sut.store.range({ deviceId: 'b1', sensor: 'ph', from: T0, to: NOW, limit: 100 });
      expect((await sut.store.write(BATCH)).failures).toEqual([]);
      expect((await sut.store.write(BATCH)).failures).toEqual([]);
      const thrice = await sut.store.range({ deviceId: 'b1', sensor: 'ph', from: T0, to: NOW, limit: 100 });
      expect(thrice).toEqual(once);
      expect(thrice.items).toHaveLength(10);
    });

    it('reads raw points oldest first in [from, to), page by page', async () => {
      await sut.store.write(BATCH);
      const first = await sut.store.range({
        deviceId: 'b1',
        sensor: 'ph',
        from: T0 + MIN,
        to: T0 + 8 * MIN,
        limit: 4,
      });
      expect(first.items.map((p) => p.value)).toEqual([7.1, 7.2, 7.3, 7.4]);
      expect(first.items[0]).toMatchObject({
        time: new Date(T0 + MIN).toISOString(),
        raw: 71,
        outOfRange: false,
      });
      expect(first.nextToken).not.toBeNull();
      const second = await sut.store.range({
        deviceId: 'b1',
        sensor: 'ph',
        from: T0 + MIN,
        to: T0 + 8 * MIN,
        limit: 4,
        nextToken: first.nextToken,
      });
      expect(second.items.map((p) => p.value)).toEqual([7.5, 7.6, 7.7]);
      expect(second.nextToken).toBeNull();
    });

    it('reads buckets with avg, min, max and count, page by page', async () => {
      await sut.store.write(BATCH);
      const query = {
        deviceId: 'b1',
        sensor: 'tmp',
        from: T0,
        to: T0 + 10 * MIN,
        intervalMs: 5 * MIN,
        limit: 1,
      };
      const first = await sut.store.range(query);
      expect(first.items).toEqual([
        {
          time: new Date(T0).toISOString(),
          avg: 12,
          min: 10,
          max: 14,
          count: 5,
          value: null,
          raw: null,
          outOfRange: null,
          qcFlag: null,
          qcTests: null,
          excluded: 0,
        },
      ]);
      const second = await sut.store.range({ ...query, nextToken: first.nextToken });
      expect(second.items).toEqual([
        {
          time: new Date(T0 + 5 * MIN).toISOString(),
          avg: 17,
          min: 15,
          max: 19,
          count: 5,
          value: null,
          raw: null,
          outOfRange: null,
          qcFlag: null,
          qcTests: null,
          excluded: 0,
        },
      ]);
      expect(second.nextToken).toBeNull();
    });

    it('keeps devices apart', async () => {
      await sut.store.write(BATCH);
      const b2 = await sut.store.range({ deviceId: 'b2', sensor: 'ph', from: T0, to: NOW, limit: 100 });
      expect(b2.items.map((p) => p.value)).toEqual([6]);
      expect((await sut.store.latest('b2', ['ph'])).map((r) => r.value)).toEqual([6]);
    });

    it('answers nothing for a sensor or device it has no readings of', async () => {
      await sut.store.write(BATCH);
      expect(await sut.store.range({ deviceId: 'b1', sensor: 'co2', from: T0, to: NOW, limit: 10 })).toEqual({
        items: [],
        nextToken: null,
      });
      expect(await sut.store.latest('ghost', ['ph'])).toEqual([]);
    });

    it('replaces a reading when it is recalibrated with a newer config version', async () => {
      await sut.store.write([rec('b1', T0, { ph: 7 })]);
      expect((await sut.store.write([rec('b1', T0, { ph: 7.5 }, 2)])).failures).toEqual([]);
      const page = await sut.store.range({ deviceId: 'b1', sensor: 'ph', from: T0, to: NOW, limit: 10 });
      expect(page.items.map((p) => p.value)).toEqual([7.5]);
    });
  });
}
