import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../../local/processor/batcher';

afterEach(() => {
  vi.useRealTimers();
});

function recorder(fail: (item: number, call: number) => boolean = () => false) {
  const batches: number[][] = [];
  return {
    batches,
    handle: async (batch: number[]) => {
      batches.push(batch);
      return batch.filter((item) => fail(item, batches.length));
    },
  };
}

describe('Batcher', () => {
  it('sends a full batch at once and the rest when the window closes', async () => {
    vi.useFakeTimers();
    const r = recorder();
    const batcher = new Batcher<number>({ maxBatchSize: 3, windowMs: 5_000, handle: r.handle });
    for (const i of [1, 2, 3, 4]) batcher.add(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.batches).toEqual([[1, 2, 3]]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(r.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.batches).toEqual([[1, 2, 3], [4]]);
  });

  it('retries only the failed items, then hands them to the dead-letter callback', async () => {
    vi.useFakeTimers();
    const r = recorder((item) => item === 2);
    const dead: [number, number][] = [];
    const batcher = new Batcher<number>({
      maxBatchSize: 10,
      windowMs: 10,
      retryDelayMs: 100,
      maxAttempts: 3,
      handle: r.handle,
      onDeadLetter: (item, attempts) => void dead.push([item, attempts]),
    });
    batcher.add(1);
    batcher.add(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.batches).toEqual([[1, 2], [2], [2]]);
    expect(dead).toEqual([[2, 3]]);
    expect(batcher.size).toBe(0);
  });

  it('on stop, flushes the window, tries waiting retries once more and returns what still fails', async () => {
    const r = recorder((item, call) => item === 2 || (item === 3 && call === 1));
    const batcher = new Batcher<number>({
      maxBatchSize: 10,
      windowMs: 60_000,
      retryDelayMs: 60_000,
      handle: r.handle,
    });
    for (const i of [1, 2, 3]) batcher.add(i);
    await batcher.flush();
    expect(await batcher.stop()).toEqual([2]);
    expect(r.batches).toEqual([
      [1, 2, 3],
      [2, 3],
    ]);
  });
});
