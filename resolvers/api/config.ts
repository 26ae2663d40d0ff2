import { optionalEnv, requireEnv } from '../../core/shared/config';
import {
  TELEMETRY_ENV,
  loadDynamoTelemetryConfig,
  parseAwsTelemetryStore,
  type AwsTelemetryStoreKind,
  type DynamoTelemetryConfig,
} from '../../core/telemetry/config';

/** What the API Lambda needs from its environment, read once per container. */
export interface ApiConfig {
  tableName: string;
  userPoolId: string;
  /** IoT data-plane endpoint as an https URL (a bare `xxx-ats.iot...` host gets `https://`). */
  iotDataEndpoint: string;
  /** Which telemetry store the stack was deployed with (TELEMETRY_STORE, default timestream). */
  telemetryStore: AwsTelemetryStoreKind;
  /** Set with telemetryStore timestream. */
  timestreamDatabase?: string;
  timestreamTable?: string;
  /** The Timestream table's magnetic store retention in days: a replayed reading older than it is refused. */
  magneticStoreRetentionDays: number;
  /** Set with telemetryStore dynamodb. */
  telemetryTable?: DynamoTelemetryConfig;
  /** The private bucket exportReadings writes to; without it exports answer ServiceUnavailable. */
  exportBucket?: string;
  exportLinkTtlSeconds: number;
  /** The stage's SNS alert topic (ALERT_TOPIC_ARN): notifications and profile subscriptions. */
  alertTopicArn: string;
  /** This API's own GraphQL URL (APPSYNC_GRAPHQL_URL), for the silence check's notifyAlertChanged. */
  appsyncGraphqlUrl: string;
  region: string;
}

/** Fails loudly, naming the variable, when one is missing: better a failed cold start than a half-wired API. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    tableName: requireEnv('TABLE_NAME', env),
    userPoolId: requireEnv('USER_POOL_ID', env),
    iotDataEndpoint: toEndpointUrl(requireEnv('IOT_DATA_ENDPOINT', env)),
    ...telemetryOf(env),
    ...(env[TELEMETRY_ENV.exportBucket] ? { exportBucket: env[TELEMETRY_ENV.exportBucket] } : {}),
    exportLinkTtlSeconds: positiveSeconds(
      TELEMETRY_ENV.exportLinkTtlSeconds,
      optionalEnv(TELEMETRY_ENV.exportLinkTtlSeconds, '3600', env),
    ),
    magneticStoreRetentionDays: positiveDays(
      'TIMESTREAM_MAGNETIC_RETENTION_DAYS',
      optionalEnv('TIMESTREAM_MAGNETIC_RETENTION_DAYS', '30', env),
    ),
    alertTopicArn: requireEnv('ALERT_TOPIC_ARN', env),
    appsyncGraphqlUrl: requireEnv('APPSYNC_GRAPHQL_URL', env),
    region: optionalEnv('AWS_REGION', 'us-west-2', env),
  };
}

function telemetryOf(
  env: NodeJS.ProcessEnv,
): Pick<ApiConfig, 'telemetryStore' | 'timestreamDatabase' | 'timestreamTable' | 'telemetryTable'> {
  const telemetryStore = parseAwsTelemetryStore(env[TELEMETRY_ENV.store], TELEMETRY_ENV.store);
  if (telemetryStore === 'dynamodb')
    return { telemetryStore, telemetryTable: loadDynamoTelemetryConfig(env) };
  return {
    telemetryStore,
    timestreamDatabase: requireEnv('TIMESTREAM_DATABASE', env),
    timestreamTable: requireEnv('TIMESTREAM_TABLE', env),
  };
}

/** AWS hands out the data endpoint as a bare host; the local mode gives a full http URL. */
export function toEndpointUrl(value: string): string {
  return /^https?:\/\//i.test(value) ? value : `https://${value}`;
}

function positiveDays(name: string, text: string): number {
  const days = Number(text);
  if (!Number.isFinite(days) || days <= 0) {
    throw new Error(`Environment variable ${name} must be a positive number of days, not "${text}".`);
  }
  return days;
}

function positiveSeconds(name: string, text: string): number {
  const seconds = Number(text);
  // A presigned URL lives at most 7 days (SigV4 query signing).
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 604_800) {
    throw new Error(
      `Environment variable ${name} must be a whole number of seconds from 1 to 604800, not "${text}".`,
    );
  }
  return seconds;
}
