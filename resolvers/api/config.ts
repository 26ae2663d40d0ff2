import { optionalEnv, requireEnv } from '../../core/shared/config';

/** What the API Lambda needs from its environment, read once per container. */
export interface ApiConfig {
  tableName: string;
  userPoolId: string;
  /** IoT data-plane endpoint as an https URL (a bare `xxx-ats.iot...` host gets `https://`). */
  iotDataEndpoint: string;
  timestreamDatabase: string;
  timestreamTable: string;
  /** The Timestream table's memory store retention: a replayed reading older than it is refused. */
  memoryStoreRetentionMs: number;
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
    timestreamDatabase: requireEnv('TIMESTREAM_DATABASE', env),
    timestreamTable: requireEnv('TIMESTREAM_TABLE', env),
    memoryStoreRetentionMs: positiveHours(
      'TIMESTREAM_MEMORY_RETENTION_HOURS',
      optionalEnv('TIMESTREAM_MEMORY_RETENTION_HOURS', '24', env),
    ),
    alertTopicArn: requireEnv('ALERT_TOPIC_ARN', env),
    appsyncGraphqlUrl: requireEnv('APPSYNC_GRAPHQL_URL', env),
    region: optionalEnv('AWS_REGION', 'us-west-2', env),
  };
}

/** AWS hands out the data endpoint as a bare host; the local mode gives a full http URL. */
export function toEndpointUrl(value: string): string {
  return /^https?:\/\//i.test(value) ? value : `https://${value}`;
}

function positiveHours(name: string, text: string): number {
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new Error(`Environment variable ${name} must be a positive number of hours, not "${text}".`);
  }
  return hours * 3_600_000;
}
