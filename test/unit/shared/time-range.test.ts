import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/shared/errors';
import { parseTime, parseTimeRange } from '../../../core/shared/time-range';

const DAY = 86_400_000;

/** The field and message of the ValidationError `run` throws. */
function issueOf(run: () => unknown): { field: string; message: string } | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err.issues[0];
    throw err;
  }
  return undefined;
}

describe('time range arguments', () => {
  it('reads an ISO-8601 date-time as epoch ms', () => {
    expect(parseTime('2026-11-27T08:00:00Z', 'from')).toBe(Date.UTC(2026, 10, 27, 8));
  });

  it.each(['yesterday', '1764230400000', '2026-11-27', '2026-13-45T99:00:00Z', ''])(
    'refuses %j as a date-time, naming the field',
    (text) => {
      expect(issueOf(() => parseTime(text, 'to'))?.field).toBe('to');
    },
  );

  it('answers [from, to) in epoch ms within the longest span', () => {
    expect(
      parseTimeRange({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, DAY, 'too long'),
    ).toEqual({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) });
  });

  it('refuses from at or after to on `from`, and a longer span on `to` with the caller words', () => {
    const at = '2026-01-01T00:00:00Z';
    expect(issueOf(() => parseTimeRange({ from: at, to: at }, DAY, 'too long'))).toEqual({
      field: 'from',
      message: 'must be before to',
    });
    expect(
      issueOf(() => parseTimeRange({ from: at, to: '2026-01-02T00:00:00.001Z' }, DAY, 'split the range')),
    ).toEqual({ field: 'to', message: 'split the range' });
  });
});
