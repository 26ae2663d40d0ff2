import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitsDynamoDbNumber, jsonDepth, jsonTextDepth } from '../../../core/shared/store-limits';

describe('store limits', () => {
  it('takes zero and magnitudes from 1e-130 to 2^53 - 1, and nothing else', () => {
    for (const ok of [0, -0, 1e-130, -1e-130, 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1])
      expect(fitsDynamoDbNumber(ok), String(ok)).toBe(true);
    for (const bad of [1e-131, 2 ** 53, -1e200, 1.7e308, Infinity, NaN])
      expect(fitsDynamoDbNumber(bad), String(bad)).toBe(false);
  });

  it('measures JSON depth from text and from values alike, without recursion', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), (text) => {
        expect(jsonTextDepth(text, 1_000)).toBe(jsonDepth(JSON.parse(text), 1_000));
      }),
    );
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep)).toBe(33);
    expect(jsonTextDepth('['.repeat(100_000))).toBe(33);
    expect(jsonTextDepth('{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')).toBe(1);
  });
});
