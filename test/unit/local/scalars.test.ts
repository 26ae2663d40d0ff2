import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import {
  isAwsDate,
  isAwsDateTime,
  isAwsEmail,
  isAwsIpAddress,
  isAwsPhone,
  isAwsTime,
  isAwsUrl,
} from '../../../local/server/scalars';
import { checkLimits } from '../../../local/server/limits';

describe('AppSync scalars', () => {
  it.each([
    [
      isAwsDateTime,
      ['2026-11-27T13:45:30.123Z', '2026-11-27T13:45Z', '2026-02-28T00:00:00+01:00'],
      ['2026-11-27T13:45:30', '2026-02-30T00:00:00Z', '2026-11-27 13:45:30Z', ''],
    ],
    [isAwsDate, ['2026-11-27', '2026-11-27Z', '2024-02-29-07:00'], ['2026-2-1', '2025-02-29', '27/11/2026']],
    [isAwsTime, ['13:45', '13:45:30.5', '23:59:59Z'], ['24:00', '13:60', '1:45']],
    [isAwsEmail, ['name@example.com', 'a.b+c@sub.example.org'], ['not-an-email', 'a@b', 'a b@example.com']],
    [isAwsUrl, ['https://example.com/path', 'mailto:a@example.com'], ['example.com', '//example.com']],
    [isAwsPhone, ['+1 604 555 0100', '604-555-0100'], ['12', 'phone']],
    [
      isAwsIpAddress,
      ['10.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32'],
      ['10.0.0.256', '10.0.0.0/33', 'localhost'],
    ],
  ])('%o accepts what AppSync accepts and refuses the rest', (test, good, bad) => {
    for (const value of good) expect(test(value), value).toBe(true);
    for (const value of bad) expect(test(value), value).toBe(false);
  });
});

describe('query limits', () => {
  it('lets GraphiQL-sized introspection through and refuses deeper nesting and alias floods', () => {
    const introspection = parse(
      `{ __schema { types { fields { type ${'{ ofType '.repeat(8)}{ name }${' }'.repeat(8)} } } } }`,
    );
    expect(checkLimits(introspection)).toEqual([]);
    const deep = parse(
      `{ __schema { types { fields { type ${'{ ofType '.repeat(14)}{ name }${' }'.repeat(14)} } } } }`,
    );
    expect(checkLimits(deep).map((e) => e.message)).toEqual([expect.stringContaining('too deep')]);
    const flood = parse(
      `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: device(id: "x") { id }`).join(' ')} }`,
    );
    expect(checkLimits(flood).map((e) => e.message)).toEqual([
      expect.stringContaining('Too many top-level fields'),
    ]);
    const fragmentCycle = parse('query Q { device(id: "x") { ...A } } fragment A on Device { id ...A }');
    expect(checkLimits(fragmentCycle)).toEqual([]);
  });
});
