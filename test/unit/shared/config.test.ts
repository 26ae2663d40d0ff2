import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  envBoolean,
  envDuration,
  envEnum,
  envInteger,
  envNumber,
  envOptionalString,
  envString,
} from '../../../core/shared/config';

/** Runs `read` and returns the ConfigError it throws, failing the test when it throws nothing or something else. */
const refusal = (read: () => unknown): ConfigError => {
  try {
    read();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('envString', () => {
  it('returns a set variable as it is', () => {
    expect(envString('TABLE_NAME', { TABLE_NAME: 'yvr-data' })).toBe('yvr-data');
  });

  it.each([
    ['unset', {}],
    ['empty', { TABLE_NAME: '' }],
  ])('fails naming the variable when it is %s', (_, env) => {
    const err = refusal(() => envString('TABLE_NAME', env));
    expect(err.variable).toBe('TABLE_NAME');
    expect(err.message).toBe(
      'Environment variable TABLE_NAME is not set; the function cannot start without it.',
    );
  });
});

describe('envOptionalString', () => {
  it('returns undefined, or the fallback, for an unset or empty variable', () => {
    expect(envOptionalString('BUCKET', {})).toBeUndefined();
    expect(envOptionalString('BUCKET', { BUCKET: '' })).toBeUndefined();
    expect(envOptionalString('AWS_REGION', {}, 'us-west-2')).toBe('us-west-2');
    expect(envOptionalString('AWS_REGION', { AWS_REGION: 'ca-central-1' }, 'us-west-2')).toBe('ca-central-1');
  });
});

describe('envInteger', () => {
  const rule = { min: 1, max: 604_800, unit: 'seconds' };

  it('reads a whole number within the range, and the fallback when unset', () => {
    expect(envInteger('TTL', rule, { TTL: '3600' })).toBe(3600);
    expect(envInteger('TTL', rule, { TTL: ' 1 ' })).toBe(1);
    expect(envInteger('TTL', { ...rule, fallback: 60 }, {})).toBe(60);
  });

  it.each(['soon', '1.5', '0', '604801', '-3', '0x10', '1e999', ' ', 'NaN', 'Infinity', '12abc'])(
    'refuses "%s", naming the variable and the range',
    (text) => {
      const err = refusal(() => envInteger('TTL', rule, { TTL: text }));
      expect(err.variable).toBe('TTL');
      expect(err.message).toBe(
        `Environment variable TTL must be a whole number of seconds from 1 to 604800, not "${text}".`,
      );
    },
  );

  it('fails naming the variable when a required one is unset', () => {
    expect(refusal(() => envInteger('MAX_RECEIVE_COUNT', { min: 1 }, {})).message).toBe(
      'Environment variable MAX_RECEIVE_COUNT is not set; the function cannot start without it.',
    );
  });
});

describe('envNumber', () => {
  const rule = { above: 0, unit: 'days' };

  it('reads fractions and exponents above the bound', () => {
    expect(envNumber('DAYS', rule, { DAYS: '0.5' })).toBe(0.5);
    expect(envNumber('DAYS', rule, { DAYS: '3.65e3' })).toBe(3650);
    expect(envNumber('DAYS', { ...rule, fallback: 30 }, { DAYS: '' })).toBe(30);
  });

  it.each(['0', '-1', 'soon', '1,5', '.'])('refuses "%s", saying what it should be', (text) => {
    expect(refusal(() => envNumber('DAYS', rule, { DAYS: text })).message).toBe(
      `Environment variable DAYS must be a number of days above 0, not "${text}".`,
    );
  });

  it('fails naming the variable when a required one is unset', () => {
    expect(refusal(() => envNumber('DAYS', rule, {})).variable).toBe('DAYS');
  });
});

describe('envBoolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['No', false],
    ['off', false],
  ])('reads "%s" as %s', (text, value) => {
    expect(envBoolean('FLAG', undefined, { FLAG: text })).toBe(value);
  });

  it('uses the fallback when unset and refuses anything else, naming the variable', () => {
    expect(envBoolean('FLAG', false, {})).toBe(false);
    expect(refusal(() => envBoolean('FLAG', false, { FLAG: 'maybe' })).message).toBe(
      'Environment variable FLAG must be true or false, not "maybe".',
    );
    expect(refusal(() => envBoolean('FLAG', undefined, {})).variable).toBe('FLAG');
  });
});

describe('envEnum', () => {
  const stores = ['timestream', 'dynamodb'] as const;

  it('reads one of the values, and the fallback when unset', () => {
    expect(envEnum('STORE', stores, 'timestream', { STORE: 'dynamodb' })).toBe('dynamodb');
    expect(envEnum('STORE', stores, 'timestream', {})).toBe('timestream');
  });

  it.each(['influx', 'DynamoDB', ' dynamodb'])('refuses "%s", listing the values', (text) => {
    expect(refusal(() => envEnum('STORE', stores, 'timestream', { STORE: text })).message).toBe(
      `Environment variable STORE must be one of timestream, dynamodb, not "${text}".`,
    );
  });

  it('fails naming the variable when a required one is unset', () => {
    expect(refusal(() => envEnum('STORE', stores, undefined, {})).variable).toBe('STORE');
  });
});

describe('envDuration', () => {
  const rule = { unit: 's' as const, fallbackMs: 60_000 };

  it('reads a bare number in the rule unit and a number with its own unit, in milliseconds', () => {
    expect(envDuration('TTL', rule, { TTL: '90' })).toBe(90_000);
    expect(envDuration('TTL', rule, { TTL: '0.5' })).toBe(500);
    expect(envDuration('TTL', rule, { TTL: '250ms' })).toBe(250);
    expect(envDuration('TTL', rule, { TTL: '5m' })).toBe(300_000);
    expect(envDuration('TTL', rule, { TTL: '2h' })).toBe(7_200_000);
    expect(envDuration('TTL', rule, { TTL: '1d' })).toBe(86_400_000);
    expect(envDuration('TTL', rule, {})).toBe(60_000);
  });

  it.each(['0', '-5', 'soon', '5 weeks', '5mm', 's'])('refuses "%s", naming the variable', (text) => {
    expect(refusal(() => envDuration('TTL', rule, { TTL: text })).message).toBe(
      `Environment variable TTL must be a duration above zero (a number of seconds, or with ms, s, m, h or d), not "${text}".`,
    );
  });

  it('keeps to its bounds and fails naming the variable when a required one is unset', () => {
    expect(refusal(() => envDuration('TTL', { unit: 's', maxMs: 1000 }, { TTL: '2' })).message).toContain(
      'at most 1000 ms',
    );
    expect(refusal(() => envDuration('TTL', { unit: 's' }, {})).variable).toBe('TTL');
  });
});
