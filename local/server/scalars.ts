import { isIP } from 'node:net';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * The AppSync scalars, validated as AppSync validates them, so a value the
 * local server accepts is one AWS accepts too. Each rejects with a message
 * that names the expected form.
 */
export function appSyncScalars(): Record<string, GraphQLScalarType> {
  return {
    AWSDate: stringScalar(
      'AWSDate',
      'a date like 2026-11-27 (optionally with a zone: 2026-11-27Z, 2026-11-27+01:00)',
      isAwsDate,
    ),
    AWSTime: stringScalar('AWSTime', 'a time like 13:45, 13:45:30 or 13:45:30.123Z', isAwsTime),
    AWSDateTime: stringScalar(
      'AWSDateTime',
      'an ISO-8601 date-time with a zone, like 2026-11-27T13:45:30.000Z',
      isAwsDateTime,
    ),
    AWSEmail: stringScalar('AWSEmail', 'an email address like name@example.com', isAwsEmail),
    AWSURL: stringScalar('AWSURL', 'a URL with a scheme, like https://example.com/path', isAwsUrl),
    AWSPhone: stringScalar('AWSPhone', 'a phone number like +1 604 555 0100', isAwsPhone),
    AWSIPAddress: stringScalar(
      'AWSIPAddress',
      'an IPv4 or IPv6 address, optionally with a /prefix',
      isAwsIpAddress,
    ),
    AWSTimestamp: timestampScalar(),
    AWSJSON: jsonScalar(),
  };
}

function invalid(name: string, expected: string, value: unknown): GraphQLError {
  return new GraphQLError(`Expected ${expected} for ${name}, got ${JSON.stringify(value)}.`);
}

function stringScalar(name: string, expected: string, test: (value: string) => boolean) {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !test(value)) throw invalid(name, expected, value);
    return value;
  };
  return new GraphQLScalarType({
    name,
    serialize: (value) => (value instanceof Date ? value.toISOString() : check(value)),
    parseValue: check,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw invalid(name, expected, literalValue(ast));
      return check(ast.value);
    },
  });
}

function timestampScalar() {
  const expected = 'whole seconds since the Unix epoch, like 1764230400';
  const check = (value: unknown): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      throw invalid('AWSTimestamp', expected, value);
    return value;
  };
  return new GraphQLScalarType({
    name: 'AWSTimestamp',
    serialize: check,
    parseValue: check,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.INT) throw invalid('AWSTimestamp', expected, literalValue(ast));
      return check(Number(ast.value));
    },
  });
}

/**
 * AWSJSON travels as a string; AppSync hands the parsed value to resolvers
 * and serialises objects that resolvers return.
 */
function jsonScalar() {
  const expected = 'a string holding valid JSON, like "{\\"key\\": 1}"';
  const parse = (value: unknown): unknown => {
    if (typeof value !== 'string') throw invalid('AWSJSON', expected, value);
    try {
      return JSON.parse(value);
    } catch {
      throw invalid('AWSJSON', expected, value);
    }
  };
  return new GraphQLScalarType({
    name: 'AWSJSON',
    serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
    parseValue: parse,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw invalid('AWSJSON', expected, literalValue(ast));
      return parse(ast.value);
    },
  });
}

function literalValue(ast: ValueNode): unknown {
  return 'value' in ast ? ast.value : ast.kind;
}

const ZONE = '(Z|[+-]\\d{2}:\\d{2}(:\\d{2})?)';
const DATE_RE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})${ZONE}?$`);
const TIME_RE = new RegExp(`^(\\d{2}):(\\d{2})(:(\\d{2})(\\.\\d{1,9})?)?${ZONE}?$`);
const DATETIME_RE = new RegExp(
  `^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(:(\\d{2})(\\.\\d{1,9})?)?${ZONE}$`,
);

function validDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const validTime = (h: string, m: string, s?: string) =>
  Number(h) < 24 && Number(m) < 60 && (s === undefined || Number(s) < 60);

export function isAwsDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  return !!m && validDate(m[1]!, m[2]!, m[3]!);
}

export function isAwsTime(value: string): boolean {
  const m = TIME_RE.exec(value);
  return !!m && validTime(m[1]!, m[2]!, m[4]);
}

export function isAwsDateTime(value: string): boolean {
  const m = DATETIME_RE.exec(value);
  return !!m && validDate(m[1]!, m[2]!, m[3]!) && validTime(m[4]!, m[5]!, m[7]);
}

export function isAwsEmail(value: string): boolean {
  return (
    value.length <= 254 &&
    /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
      value,
    )
  );
}

export function isAwsUrl(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export function isAwsPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  return /^\+?[0-9][0-9 ().-]*$/.test(value) && digits.length >= 7 && digits.length <= 15;
}

export function isAwsIpAddress(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length || !address) return false;
  const version = isIP(address);
  if (!version) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
