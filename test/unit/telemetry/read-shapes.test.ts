import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rangeCursorAfter } from '../../../core/telemetry/range-token';
import {
  bucketBound,
  calibratedReading,
  rangePage,
  splitTests,
  sqlRangePage,
} from '../../../core/telemetry/read-shapes';
import { BUCKET_MIN_QUALITY, UNFLAGGED, type RangeQuery } from '../../../core/telemetry/types';

const query: RangeQuery = { deviceId: 'b1', sensor: 'ph', from: 0, to: 10_000, limit: 2 };
const T0 = Date.UTC(2026, 10, 27);

describe('range pages', () => {
  it('keeps limit rows and gives a token only when the extra row came back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e12 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 10 }),
        (times, limit) => {
          const page = rangePage(
            times,
            limit,
            (t) => t,
            (t) => t * 2,
          );
          expect(page.items).toEqual(times.slice(0, limit).map((t) => t * 2));
          if (times.length > limit) expect(rangeCursorAfter(page.nextToken)).toBe(times[limit - 1]);
          else expect(page.nextToken).toBeNull();
        },
      ),
    );
  });

  it('reads raw SQL rows as points, a NULL flag as unflagged and the tests as a list', () => {
    const page = sqlRangePage(
      [
        { time: T0, value: 7.1, raw: 7, out_of_range: false, qc_flag: null, qc_tests: null },
        { time: T0 + 1000, value: 9, raw: 9, out_of_range: true, qc_flag: 3, qc_tests: 'spike,rate' },
      ],
      query,
    );
    expect(page.nextToken).toBeNull();
    expect(page.items).toEqual([
      expect.objectContaining({
        time: new Date(T0).toISOString(),
        value: 7.1,
        raw: 7,
        qcFlag: UNFLAGGED,
        qcTests: [],
      }),
      expect.objectContaining({ outOfRange: true, qcFlag: 3, qcTests: ['spike', 'rate'], avg: null }),
    ]);
  });

  it('reads bucket SQL rows as buckets, a NULL excluded as none, and pages by the bucket time', () => {
    const bucket = (i: number) => ({
      bucket: T0 + i * 60_000,
      avg: null,
      min: null,
      max: null,
      count: 0,
      excluded: null,
    });
    const page = sqlRangePage([bucket(0), bucket(1), bucket(2)], { ...query, intervalMs: 60_000 });
    expect(page.items).toEqual([
      expect.objectContaining({ time: new Date(T0).toISOString(), count: 0, excluded: 0, value: null }),
      expect.objectContaining({ time: new Date(T0 + 60_000).toISOString() }),
    ]);
    expect(rangeCursorAfter(page.nextToken)).toBe(T0 + 60_000);
  });

  it('counts buckets up to the query minQuality, else up to suspect', () => {
    expect(bucketBound({})).toBe(BUCKET_MIN_QUALITY);
    expect(bucketBound({ minQuality: 1 })).toBe(1);
  });

  it('splits a stored test list and reads none from empty or NULL', () => {
    expect(splitTests('gap')).toEqual(['gap']);
    expect(splitTests('')).toEqual([]);
    expect(splitTests(null)).toEqual([]);
  });
});

describe('a record reading read back', () => {
  const fields = { sensor: 'ph', raw: 7, value: 7.1, unit: null, outOfRange: false };

  it('carries the optional fields only when they were stored', () => {
    expect(calibratedReading(fields, { qcFlag: null, qcTests: undefined, configVersion: null })).toEqual(
      fields,
    );
    expect(calibratedReading(fields, { qcFlag: 1, qcTests: [], configVersion: 4 })).toEqual({
      ...fields,
      qcFlag: 1,
      qcTests: [],
      configVersion: 4,
    });
  });
});
