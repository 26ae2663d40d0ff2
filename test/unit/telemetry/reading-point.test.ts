import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readingPoint } from '../../../core/telemetry/types';
import { loadLocalSchema } from '../../../local/server/schema';

// The store tests compare points with readingPoint(...); this pins down what it fills.
describe('readingPoint', () => {
  it("is the time with every other field of the schema's ReadingPoint null", () => {
    const type = loadLocalSchema().schema.getType('ReadingPoint');
    const fields = isObjectType(type) ? Object.keys(type.getFields()) : [];
    expect(fields).toContain('time');
    const nulls = Object.fromEntries(fields.filter((f) => f !== 'time').map((f) => [f, null]));
    expect(readingPoint('2026-11-27T00:00:00.000Z', {})).toEqual({
      time: '2026-11-27T00:00:00.000Z',
      ...nulls,
    });
  });

  it('takes the fields given, zeros and empty lists included, over the nulls', () => {
    const point = readingPoint('t', { value: 0, outOfRange: false, qcTests: [], excluded: 0 });
    expect(point).toMatchObject({ value: 0, outOfRange: false, qcTests: [], excluded: 0, raw: null });
  });
});
