import { ValidationError } from './errors';

/** An AWSDateTime argument as epoch ms; anything else is a ValidationError on `field`. */
export function parseTime(text: string, field: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new ValidationError({ field, message: 'must be an ISO-8601 date-time, e.g. 2026-11-27T08:00:00Z' });
  return ms;
}

/**
 * The `from` and `to` arguments of a read over [from, to) as epoch ms: both
 * date-times, `from` before `to`, at most `maxMs` apart; a longer range is a
 * ValidationError on `to` that says `tooLong` (what to do instead).
 */
export function parseTimeRange(
  args: { from: string; to: string },
  maxMs: number,
  tooLong: string,
): { from: number; to: number } {
  const from = parseTime(args.from, 'from');
  const to = parseTime(args.to, 'to');
  if (from >= to) throw new ValidationError({ field: 'from', message: 'must be before to' });
  if (to - from > maxMs) throw new ValidationError({ field: 'to', message: tooLong });
  return { from, to };
}
