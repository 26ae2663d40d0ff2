import { optionalEnv, requireEnv } from '../../core/shared/config';
import {
  TELEMETRY_ENV,
  loadDynamoTelemetryConfig,
  parseAwsTelemetryStore,
  type AwsTelemetryStoreKind,
  type DynamoTelemetryConfig,
} from '../../core/telemetry/config';

/** The calibration processor's configuration, read once at load; a missing variable stops the cold start. */
export interface ProcessorConfig {
  tableName: string;
  /** Which telemetry store the stack was deployed with (TELEMETRY_STORE, default timestream). */
  telemetryStore: AwsTelemetryStoreKind;
  /** Set with telemetryStore timestream. */
  timestreamDatabase?: string;
  timestreamTable?: string;
  /** Set with telemetryStore dynamodb. */
  telemetryTable?: DynamoTelemetryConfig;
  appsyncGraphqlUrl: string;
  /** The stage's SNS alert topic (ALERT_TOPIC_ARN). */
  alertTopicArn: string;
  region: string;
  /** How long a cached device is trusted (DEVICE_CACHE_TTL_SECONDS, default 60). */
  deviceCacheTtlMs: number;
  /** The Timestream table's magnetic store retention: the oldest a reading may be (TIMESTREAM_MAGNETIC_RETENTION_DAYS, default 30). */
  magneticStoreRetentionDays: number;
  /** The input queue's maxReceiveCount (MAX_RECEIVE_COUNT, default 5): the last delivery keeps a failing message as rejected. */
  maxReceiveCount: number;
}

export function loadProcessorConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  const telemetryStore = parseAwsTelemetryStore(env[TELEMETRY_ENV.store], TELEMETRY_ENV.store);
  return {
    tableName: requireEnv('TABLE_NAME', env),
    telemetryStore,
    ...(telemetryStore === 'dynamodb'
      ? { telemetryTable: loadDynamoTelemetryConfig(env) }
      : {
          timestreamDatabase: requireEnv('TIMESTREAM_DATABASE', env),
          timestreamTable: requireEnv('TIMESTREAM_TABLE', env),
        }),
    appsyncGraphqlUrl: requireEnv('APPSYNC_GRAPHQL_URL', env),
    alertTopicArn: requireEnv('ALERT_TOPIC_ARN', env),
    region: optionalEnv('AWS_REGION', 'us-west-2', env),
    deviceCacheTtlMs:
      positive('DEVICE_CACHE_TTL_SECONDS', optionalEnv('DEVICE_CACHE_TTL_SECONDS', '60', env)) * 1000,
    magneticStoreRetentionDays: positive(
      'TIMESTREAM_MAGNETIC_RETENTION_DAYS',
      optionalEnv('TIMESTREAM_MAGNETIC_RETENTION_DAYS', '30', env),
    ),
    maxReceiveCount: positive('MAX_RECEIVE_COUNT', optionalEnv('MAX_RECEIVE_COUNT', '5', env)),
  };
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`Environment variable ${name} must be a positive number, not "${text}".`);
  return n;
}
