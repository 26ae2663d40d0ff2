import { envEnum, envInteger, envNumber, envString, type Env } from '../shared/config';
import { DEFAULT_BACKFILL_DAYS, DEFAULT_RETENTION_DAYS } from './dynamodb/layout';

/** The telemetry stores an AWS deployment chooses from (`--context telemetry=`); Timestream is the default. */
export const AWS_TELEMETRY_STORES = ['timestream', 'dynamodb'] as const;
export type AwsTelemetryStoreKind = (typeof AWS_TELEMETRY_STORES)[number];
export const DEFAULT_AWS_TELEMETRY_STORE: AwsTelemetryStoreKind = 'timestream';

/** The environment variables through which infra/ tells the functions about telemetry and exports. */
export const TELEMETRY_ENV = {
  store: 'TELEMETRY_STORE',
  tableName: 'TELEMETRY_TABLE_NAME',
  retentionDays: 'TELEMETRY_RETENTION_DAYS',
  backfillDays: 'TELEMETRY_BACKFILL_DAYS',
  exportBucket: 'EXPORT_BUCKET',
  exportLinkTtlSeconds: 'EXPORT_LINK_TTL_SECONDS',
} as const;

/** Checks a store name (from CDK context or the environment), naming where it came from when it is wrong. */
export function parseAwsTelemetryStore(value: unknown, source: string): AwsTelemetryStoreKind {
  if (value === undefined || value === null || value === '') return DEFAULT_AWS_TELEMETRY_STORE;
  if (typeof value === 'string' && (AWS_TELEMETRY_STORES as readonly string[]).includes(value))
    return value as AwsTelemetryStoreKind;
  throw new Error(
    `${source} must be one of ${AWS_TELEMETRY_STORES.join(', ')}; got ${JSON.stringify(value)}.`,
  );
}

export interface DynamoTelemetryConfig {
  tableName: string;
  retentionDays: number;
  backfillDays: number;
}

/** The DynamoDB store's settings from the environment (only read when TELEMETRY_STORE=dynamodb). */
export function loadDynamoTelemetryConfig(env: Env = process.env): DynamoTelemetryConfig {
  const days = (fallback: number) => ({ fallback, min: 1, unit: 'days' });
  return {
    tableName: envString(TELEMETRY_ENV.tableName, env),
    retentionDays: envInteger(TELEMETRY_ENV.retentionDays, days(DEFAULT_RETENTION_DAYS), env),
    backfillDays: envInteger(TELEMETRY_ENV.backfillDays, days(DEFAULT_BACKFILL_DAYS), env),
  };
}

/** Which telemetry store a function talks to, and that store's names, as both entries read them. */
export type AwsTelemetryConfig = {
  /** The Timestream table's magnetic store retention in days: the oldest time a reading may carry. */
  magneticStoreRetentionDays: number;
} & (
  | {
      telemetryStore: 'timestream';
      timestreamDatabase: string;
      timestreamTable: string;
      telemetryTable?: never;
    }
  | {
      telemetryStore: 'dynamodb';
      telemetryTable: DynamoTelemetryConfig;
      timestreamDatabase?: never;
      timestreamTable?: never;
    }
);

/** TELEMETRY_STORE (default timestream) and the variables of the store it names. */
export function loadAwsTelemetryConfig(env: Env = process.env): AwsTelemetryConfig {
  const magneticStoreRetentionDays = envNumber(
    'TIMESTREAM_MAGNETIC_RETENTION_DAYS',
    { fallback: 30, above: 0, unit: 'days' },
    env,
  );
  const store = envEnum(TELEMETRY_ENV.store, AWS_TELEMETRY_STORES, DEFAULT_AWS_TELEMETRY_STORE, env);
  if (store === 'dynamodb') {
    return {
      magneticStoreRetentionDays,
      telemetryStore: store,
      telemetryTable: loadDynamoTelemetryConfig(env),
    };
  }
  return {
    magneticStoreRetentionDays,
    telemetryStore: store,
    timestreamDatabase: envString('TIMESTREAM_DATABASE', env),
    timestreamTable: envString('TIMESTREAM_TABLE', env),
  };
}
