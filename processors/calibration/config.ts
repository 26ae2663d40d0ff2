import { envDuration, envInteger, envOptionalString, envString, type Env } from '../../core/shared/config';
import { loadAwsTelemetryConfig, type AwsTelemetryConfig } from '../../core/telemetry/config';

/**
 * The calibration processor's configuration, read once at load; a missing or
 * malformed variable stops the cold start. The telemetry part (TELEMETRY_STORE
 * and its store's names, TIMESTREAM_MAGNETIC_RETENTION_DAYS: the oldest a
 * reading may be, default 30) is read as the API reads it.
 */
export type ProcessorConfig = AwsTelemetryConfig & {
  tableName: string;
  appsyncGraphqlUrl: string;
  /** The stage's SNS alert topic (ALERT_TOPIC_ARN). */
  alertTopicArn: string;
  region: string;
  /** How long a cached device is trusted (DEVICE_CACHE_TTL_SECONDS, default 60). */
  deviceCacheTtlMs: number;
  /** The input queue's maxReceiveCount (MAX_RECEIVE_COUNT, default 5): the last delivery keeps a failing message as rejected. */
  maxReceiveCount: number;
};

export function loadProcessorConfig(env: Env = process.env): ProcessorConfig {
  return {
    tableName: envString('TABLE_NAME', env),
    ...loadAwsTelemetryConfig(env),
    appsyncGraphqlUrl: envString('APPSYNC_GRAPHQL_URL', env),
    alertTopicArn: envString('ALERT_TOPIC_ARN', env),
    region: envOptionalString('AWS_REGION', env, 'us-west-2'),
    deviceCacheTtlMs: envDuration('DEVICE_CACHE_TTL_SECONDS', { unit: 's', fallbackMs: 60_000 }, env),
    maxReceiveCount: envInteger('MAX_RECEIVE_COUNT', { fallback: 5, min: 1 }, env),
  };
}
