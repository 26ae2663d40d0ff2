import { describe, expect, it } from 'vitest';
import { againstBaseline, batchesOf, timeSideBySide } from '../../../bench/lib';

describe('batchesOf', () => {
  it('splits into batches of the size, the last one shorter', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([], 3)).toEqual([]);
  });
});

describe('timeSideBySide', () => {
  it('runs every side on each batch in turn, in order or reversed, and totals each side', async () => {
    const calls: string[] = [];
    const sides = [(b: number) => void calls.push(`a${b}`), async (b: number) => void calls.push(`b${b}`)];
    const ms = await timeSideBySide([1, 2], sides);
    expect(calls).toEqual(['a1', 'b1', 'a2', 'b2']);
    expect(ms).toHaveLength(2);
    expect(ms.every((t) => t >= 0)).toBe(true);
    calls.length = 0;
    await timeSideBySide([1], sides, true);
    expect(calls).toEqual(['b1', 'a1']);
  });

  it('counts the time an async side takes until it settles', async () => {
    const [slow, quick] = await timeSideBySide(
      [1],
      [() => new Promise((resolve) => setTimeout(resolve, 30)), () => undefined],
    );
    expect(slow).toBeGreaterThanOrEqual(25);
    expect(quick).toBeLessThan(slow!);
  });
});

describe('againstBaseline', () => {
  it('gives the measured figure the baseline unit and a reference to it', () => {
    const [base, measured] = againstBaseline(
      { name: 'bare', value: 2, unit: 'ms' },
      { name: 'guarded', value: 3, target: '<= 2x', met: true },
      'bare dynalite',
    );
    expect(base).toEqual({ name: 'bare', value: 2, unit: 'ms' });
    expect(measured).toEqual({
      name: 'guarded',
      value: 3,
      unit: 'ms',
      target: '<= 2x',
      met: true,
      reference: { name: 'bare dynalite', value: 2 },
    });
  });
});
