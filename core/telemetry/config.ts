import { optionalEnv, requireEnv } from '../shared/config';
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
export function loadDynamoTelemetryConfig(env: NodeJS.ProcessEnv = process.env): DynamoTelemetryConfig {
  return {
    tableName: requireEnv(TELEMETRY_ENV.tableName, env),
    retentionDays: positiveDays(TELEMETRY_ENV.retentionDays, env, DEFAULT_RETENTION_DAYS),
    backfillDays: positiveDays(TELEMETRY_ENV.backfillDays, env, DEFAULT_BACKFILL_DAYS),
  };
}

function positiveDays(name: string, env: NodeJS.ProcessEnv, fallback: number): number {
  const text = optionalEnv(name, String(fallback), env);
  const days = Number(text);
  if (!Number.isInteger(days) || days <= 0)
    throw new Error(`Environment variable ${name} must be a positive whole number of days, not "${text}".`);
  return days;
}
