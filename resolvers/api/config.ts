import { envInteger, envOptionalString, envString, type Env } from '../../core/shared/config';
import { TELEMETRY_ENV, loadAwsTelemetryConfig, type AwsTelemetryConfig } from '../../core/telemetry/config';

/**
 * What the API Lambda needs from its environment, read once per container.
 * The telemetry part (TELEMETRY_STORE and its store's names, the magnetic
 * store retention) is read as the processor reads it.
 */
export type ApiConfig = AwsTelemetryConfig & {
  tableName: string;
  userPoolId: string;
  /** IoT data-plane endpoint as an https URL (a bare `xxx-ats.iot...` host gets `https://`). */
  iotDataEndpoint: string;
  /** The private bucket exportReadings writes to; without it exports answer ServiceUnavailable. */
  exportBucket?: string;
  exportLinkTtlSeconds: number;
  /** The stage's SNS alert topic (ALERT_TOPIC_ARN): notifications and profile subscriptions. */
  alertTopicArn: string;
  /** This API's own GraphQL URL (APPSYNC_GRAPHQL_URL), for the silence check's notifyAlertChanged. */
  appsyncGraphqlUrl: string;
  region: string;
};

/** A presigned URL lives at most 7 days (SigV4 query signing). */
const MAX_LINK_TTL_SECONDS = 604_800;

/** Fails loudly, naming the variable, when one is missing or malformed: better a failed cold start than a half-wired API. */
export function loadApiConfig(env: Env = process.env): ApiConfig {
  const exportBucket = envOptionalString(TELEMETRY_ENV.exportBucket, env);
  return {
    tableName: envString('TABLE_NAME', env),
    userPoolId: envString('USER_POOL_ID', env),
    iotDataEndpoint: toEndpointUrl(envString('IOT_DATA_ENDPOINT', env)),
    ...loadAwsTelemetryConfig(env),
    ...(exportBucket ? { exportBucket } : {}),
    exportLinkTtlSeconds: envInteger(
      TELEMETRY_ENV.exportLinkTtlSeconds,
      { fallback: 3600, min: 1, max: MAX_LINK_TTL_SECONDS, unit: 'seconds' },
      env,
    ),
    alertTopicArn: envString('ALERT_TOPIC_ARN', env),
    appsyncGraphqlUrl: envString('APPSYNC_GRAPHQL_URL', env),
    region: envOptionalString('AWS_REGION', env, 'us-west-2'),
  };
}

/** AWS hands out the data endpoint as a bare host; the local mode gives a full http URL. */
export function toEndpointUrl(value: string): string {
  return /^https?:\/\//i.test(value) ? value : `https://${value}`;
}
