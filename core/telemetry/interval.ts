import { ValidationError } from '../shared/errors';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Smallest and largest bucket the API serves: finer than a minute is finer than the devices report. */
export const MIN_INTERVAL_MS = 60_000;
export const MAX_INTERVAL_MS = 31 * UNIT_MS.d;

/**
 * Parses a bucket interval like `5m`, `1h`, `1d` (a whole number and one of
 * s, m, h, d). The number and unit are checked here because both stores put
 * the interval into SQL (`bin(time, 5m)` on Timestream).
 */
export function parseInterval(text: string, field = 'interval'): number {
  const match = /^([1-9][0-9]{0,4})([smhd])$/.exec(text);
  if (!match) {
    throw new ValidationError({
      field,
      message: 'must be a whole number followed by s, m, h or d, e.g. 5m, 1h, 1d',
    });
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new ValidationError({ field, message: 'must be from 1m to 31d' });
  }
  return ms;
}

/** The interval as a Timestream interval literal (`300s`), from milliseconds already validated. */
export function intervalLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms % 1000 !== 0) throw new RangeError(`invalid interval ${ms}`);
  return `${ms / 1000}s`;
}
