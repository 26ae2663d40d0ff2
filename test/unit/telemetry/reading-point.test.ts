import { describe, expect, it } from 'vitest';
import { readingPoint } from '../../../core/telemetry/types';

// The store tests compare points with readingPoint(...); this pins down what it fills.
describe('readingPoint', () => {
  it('is the time with every other field null', () => {
    expect(readingPoint('2026-11-27T00:00:00.000Z', {})).toEqual({
      time: '2026-11-27T00:00:00.000Z',
      value: null,
      raw: null,
      outOfRange: null,
      avg: null,
      min: null,
      max: null,
      count: null,
      qcFlag: null,
      qcTests: null,
      excluded: null,
    });
  });

  it('takes the fields given, zeros and empty lists included, over the nulls', () => {
    const point = readingPoint('t', { value: 0, outOfRange: false, qcTests: [], excluded: 0 });
    expect(point).toMatchObject({ value: 0, outOfRange: false, qcTests: [], excluded: 0, raw: null });
  });
});
