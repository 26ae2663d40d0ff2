import { optionalEnv, requireEnv } from '../../core/shared/config';

/** What the API Lambda needs from its environment, read once per container. */
export interface ApiConfig {
  tableName: string;
  userPoolId: string;
  /** IoT data-plane endpoint as an https URL (a bare `xxx-ats.iot...` host gets `https://`). */
  iotDataEndpoint: string;
  timestreamDatabase: string;
  timestreamTable: string;
  /** The Timestream table's magnetic store retention in days: a replayed reading older than it is refused. */
  magneticStoreRetentionDays: number;
}

/** Fails loudly, naming the variable, when one is missing: better a failed cold start than a half-wired API. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    tableName: requireEnv('TABLE_NAME', env),
    userPoolId: requireEnv('USER_POOL_ID', env),
    iotDataEndpoint: toEndpointUrl(requireEnv('IOT_DATA_ENDPOINT', env)),
    timestreamDatabase: requireEnv('TIMESTREAM_DATABASE', env),
    timestreamTable: requireEnv('TIMESTREAM_TABLE', env),
    magneticStoreRetentionDays: positiveDays(
      'TIMESTREAM_MAGNETIC_RETENTION_DAYS',
      optionalEnv('TIMESTREAM_MAGNETIC_RETENTION_DAYS', '30', env),
    ),
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
