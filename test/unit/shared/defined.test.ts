import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { definedFields } from '../../../core/shared/defined';

describe('definedFields', () => {
  it('drops the undefined keys and keeps every other value, null included', () => {
    expect(definedFields({ a: 1, b: undefined, c: null, d: '' })).toEqual({ a: 1, c: null, d: '' });
    expect('b' in definedFields({ a: 1, b: undefined })).toBe(false);
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.option(fc.jsonValue(), { nil: undefined })), (value) => {
        const kept = definedFields(value);
        for (const [key, v] of Object.entries(value)) {
          if (v === undefined) expect(Object.hasOwn(kept, key)).toBe(false);
          else expect(kept[key]).toEqual(v);
        }
      }),
    );
  });
});
