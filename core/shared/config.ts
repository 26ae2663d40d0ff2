/**
 * The one module that reads environment variables. Each entry (the API
 * Lambda, the calibration processor) reads its configuration through these
 * getters once, at load: a missing or malformed variable fails the cold start
 * with a ConfigError naming the variable and what it should be, instead of
 * surfacing later as an undefined or NaN deep inside a request.
 *
 * An empty value counts as unset: CloudFormation and shells write `''` for "no value".
 */

/** Where variables are read from: `process.env`, or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A variable is missing or malformed; the message names it and says what it should be. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Environment variable ${variable} ${message}`);
  }
}

const valueOf = (name: string, env: Env): string | undefined => {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};

const missing = (name: string): ConfigError =>
  new ConfigError(name, 'is not set; the function cannot start without it.');

/** A required string. */
export function envString(name: string, env: Env = process.env): string {
  const value = valueOf(name, env);
  if (value === undefined) throw missing(name);
  return value;
}

/** An optional string: undefined when unset, else `fallback` when one is given. */
export function envOptionalString(name: string, env?: Env): string | undefined;
export function envOptionalString(name: string, env: Env, fallback: string): string;
export function envOptionalString(
  name: string,
  env: Env = process.env,
  fallback?: string,
): string | undefined {
  return valueOf(name, env) ?? fallback;
}

/** Bounds and default of a numeric variable. */
export interface NumberRule {
  /** Used when the variable is unset; without it the variable is required. */
  fallback?: number;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Smallest allowed value, exclusive: `above: 0` is "positive", fractions allowed. */
  above?: number;
  /** What the number counts, for the message: `days`, `seconds`. */
  unit?: string;
}

/** A whole number within `min`..`max`. */
export function envInteger(name: string, rule: NumberRule = {}, env: Env = process.env): number {
  return numberOf(name, rule, env, true);
}

/** A finite number within the rule's bounds (fractions allowed). */
export function envNumber(name: string, rule: NumberRule = {}, env: Env = process.env): number {
  return numberOf(name, rule, env, false);
}

function numberOf(name: string, rule: NumberRule, env: Env, integer: boolean): number {
  const text = valueOf(name, env);
  if (text === undefined) {
    if (rule.fallback === undefined) throw missing(name);
    return rule.fallback;
  }
  // Number('') and Number(' ') are 0 and Number('0x10') is 16; only plain decimal text is a number here.
  const n = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : NaN;
  const fits =
    Number.isFinite(n) &&
    (!integer || Number.isInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max) &&
    (rule.above === undefined || n > rule.above);
  if (!fits) throw new ConfigError(name, `must be ${describeNumber(rule, integer)}, not "${text}".`);
  return n;
}

function describeNumber(rule: NumberRule, integer: boolean): string {
  const kind = integer ? 'a whole number' : 'a number';
  const of = rule.unit ? ` of ${rule.unit}` : '';
  const bounds: string[] = [];
  if (rule.above !== undefined) bounds.push(`above ${rule.above}`);
  if (rule.min !== undefined && rule.max !== undefined) bounds.push(`from ${rule.min} to ${rule.max}`);
  else if (rule.min !== undefined) bounds.push(`of at least ${rule.min}`);
  else if (rule.max !== undefined) bounds.push(`of at most ${rule.max}`);
  return `${kind}${of}${bounds.length ? ' ' + bounds.join(' and ') : ''}`;
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/** `true`/`false` (also 1/0, yes/no, on/off, any case). */
export function envBoolean(name: string, fallback?: boolean, env: Env = process.env): boolean {
  const text = valueOf(name, env);
  if (text === undefined) {
    if (fallback === undefined) throw missing(name);
    return fallback;
  }
  const word = text.trim().toLowerCase();
  if (TRUE.includes(word)) return true;
  if (FALSE.includes(word)) return false;
  throw new ConfigError(name, `must be true or false, not "${text}".`);
}

/** One of `values`, spelled exactly. */
export function envEnum<T extends string>(
  name: string,
  values: readonly T[],
  fallback?: NoInfer<T>,
  env: Env = process.env,
): T {
  const text = valueOf(name, env);
  if (text === undefined) {
    if (fallback === undefined) throw missing(name);
    return fallback;
  }
  if ((values as readonly string[]).includes(text)) return text as T;
  throw new ConfigError(name, `must be one of ${values.join(', ')}, not "${text}".`);
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

/** Default and bounds of a duration, all in milliseconds. */
export interface DurationRule {
  /** The unit of a bare number (`DEVICE_CACHE_TTL_SECONDS=60` is seconds). */
  unit: DurationUnit;
  /** Used when the variable is unset, in milliseconds; without it the variable is required. */
  fallbackMs?: number;
  /** Shortest allowed, in milliseconds (default: anything above zero). */
  minMs?: number;
  /** Longest allowed, in milliseconds. */
  maxMs?: number;
}

/**
 * A positive duration in milliseconds: a bare number in `rule.unit`, or a
 * number with its own unit (`250ms`, `30s`, `5m`, `2h`, `1d`).
 */
export function envDuration(name: string, rule: DurationRule, env: Env = process.env): number {
  const text = valueOf(name, env);
  if (text === undefined) {
    if (rule.fallbackMs === undefined) throw missing(name);
    return rule.fallbackMs;
  }
  const match = /^\s*(\d+\.?\d*|\.\d+)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  const ms = match ? Number(match[1]) * UNIT_MS[(match[2] as DurationUnit | undefined) ?? rule.unit] : NaN;
  const fits =
    Number.isFinite(ms) &&
    ms > 0 &&
    (rule.minMs === undefined || ms >= rule.minMs) &&
    (rule.maxMs === undefined || ms <= rule.maxMs);
  if (!fits) {
    const bounds = [
      rule.minMs !== undefined ? `at least ${rule.minMs} ms` : 'above zero',
      ...(rule.maxMs !== undefined ? [`at most ${rule.maxMs} ms`] : []),
    ].join(' and ');
    throw new ConfigError(
      name,
      `must be a duration ${bounds} (a number of ${unitName(rule.unit)}, or with ms, s, m, h or d), not "${text}".`,
    );
  }
  return ms;
}

const unitName = (unit: DurationUnit): string =>
  ({ ms: 'milliseconds', s: 'seconds', m: 'minutes', h: 'hours', d: 'days' })[unit];
