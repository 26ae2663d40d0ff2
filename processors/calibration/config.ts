import { optionalEnv, requireEnv } from '../../core/shared/config';

/** The calibration processor's configuration, read once at load; a missing variable stops the cold start. */
export interface ProcessorConfig {
  tableName: string;
  timestreamDatabase: string;
  timestreamTable: string;
  appsyncGraphqlUrl: string;
  /** The stage's SNS alert topic (ALERT_TOPIC_ARN). */
  alertTopicArn: string;
  region: string;
  /** How long a cached device is trusted (DEVICE_CACHE_TTL_SECONDS, default 60). */
  deviceCacheTtlMs: number;
  /** The Timestream table's memory store retention (TIMESTREAM_MEMORY_RETENTION_HOURS, default 24). */
  memoryStoreRetentionMs: number;
}

export function loadProcessorConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return {
    tableName: requireEnv('TABLE_NAME', env),
    timestreamDatabase: requireEnv('TIMESTREAM_DATABASE', env),
    timestreamTable: requireEnv('TIMESTREAM_TABLE', env),
    appsyncGraphqlUrl: requireEnv('APPSYNC_GRAPHQL_URL', env),
    alertTopicArn: requireEnv('ALERT_TOPIC_ARN', env),
    region: optionalEnv('AWS_REGION', 'us-west-2', env),
    deviceCacheTtlMs:
      positive('DEVICE_CACHE_TTL_SECONDS', optionalEnv('DEVICE_CACHE_TTL_SECONDS', '60', env)) * 1000,
    memoryStoreRetentionMs:
      positive(
        'TIMESTREAM_MEMORY_RETENTION_HOURS',
        optionalEnv('TIMESTREAM_MEMORY_RETENTION_HOURS', '24', env),
      ) * 3_600_000,
  };
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`Environment variable ${name} must be a positive number, not "${text}".`);
  return n;
}
