import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, waitFor } from '../../../testkit/wait-for';

describe('waitFor', () => {
  it('returns the first value the check gives', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), { everyMs: 1 });
    expect(value).toBe('after 3');
  });

  it('treats false as not yet', async () => {
    let calls = 0;
    await expect(waitFor(() => ++calls >= 2, { everyMs: 1 })).resolves.toBe(true);
    expect(calls).toBe(2);
  });

  it('retries a check that throws and returns once it passes', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls++;
        if (calls < 3) throw new Error('not yet');
        return calls;
      },
      { everyMs: 1 },
    );
    expect(value).toBe(3);
  });

  it('gives up at the deadline, naming what it waited for and the last error', async () => {
    const waiting = waitFor(
      () => {
        throw new Error('expected 1 reading, got 0');
      },
      { timeoutMs: 30, everyMs: 5, describe: () => 'the reading of buoy-1' },
    );
    await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(waiting).rejects.toThrow(/the reading of buoy-1; last error: expected 1 reading, got 0/);
  });

  it('checks at least once even with a zero deadline', async () => {
    await expect(waitFor(() => 'now', { timeoutMs: 0 })).resolves.toBe('now');
  });
});
