import { resolve } from 'node:path';

/** Defaults of the local mode; each can be changed through the environment (docs/LOCAL.md). */
export const LOCAL_DEFAULTS = {
  host: '127.0.0.1',
  graphqlPort: 4000,
  mqttPort: 1883,
  mqttWsPort: 8083,
  cognitoPort: 9229,
  dynamodbPort: 8000,
  dataDir: '.local',
  region: 'local',
  adminEmail: 'admin@example.com',
  adminPassword: 'Admin123!',
  batchSize: 100,
  batchWindowMs: 5_000,
} as const;

/** The settings `npm start` runs with, read once from the environment and the command line. */
export interface LocalConfig {
  host: string;
  ports: { graphql: number; mqtt: number; mqttWs: number; cognito: number; dynamodb: number };
  /** Absolute data folder, or undefined for a throwaway in-memory run. */
  dataDir: string | undefined;
  region: string;
  admin: { email: string; password: string };
  batch: { size: number; windowMs: number };
  /** MQTT device credentials: password of every device when set (username = device id). */
  devicePassword: string | undefined;
  /** The local telemetry store (LOCAL_TELEMETRY): DuckDB, the stand-in for Timestream, or the DynamoDB store on dynalite. */
  telemetry: LocalTelemetryKind;
}

/** `LOCAL_TELEMETRY` values; DuckDB stays the default while AWS's default is Timestream. */
export const LOCAL_TELEMETRY_KINDS = ['duckdb', 'dynamodb'] as const;
export type LocalTelemetryKind = (typeof LOCAL_TELEMETRY_KINDS)[number];

/** The environment variable behind each port, named in errors when a port is taken. */
export const PORT_VARIABLES = {
  graphql: 'GRAPHQL_PORT',
  mqtt: 'MQTT_PORT',
  mqttWs: 'MQTT_WS_PORT',
  cognito: 'COGNITO_PORT',
  dynamodb: 'DYNAMODB_PORT',
} as const;

/**
 * Reads the local mode's settings; a malformed value fails at once with the
 * variable's name rather than as a confusing listen error later.
 */
export function loadLocalConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv.slice(2),
): LocalConfig {
  const memory = argv.includes('--memory') || /^(1|true|yes)$/i.test(env.LOCAL_MEMORY ?? '');
  return {
    host: env.LOCAL_HOST || LOCAL_DEFAULTS.host,
    ports: {
      graphql: port(env, PORT_VARIABLES.graphql, LOCAL_DEFAULTS.graphqlPort),
      mqtt: port(env, PORT_VARIABLES.mqtt, LOCAL_DEFAULTS.mqttPort),
      mqttWs: port(env, PORT_VARIABLES.mqttWs, LOCAL_DEFAULTS.mqttWsPort),
      cognito: port(env, PORT_VARIABLES.cognito, LOCAL_DEFAULTS.cognitoPort),
      dynamodb: port(env, PORT_VARIABLES.dynamodb, LOCAL_DEFAULTS.dynamodbPort),
    },
    dataDir: memory ? undefined : resolve(env.LOCAL_DATA_DIR || LOCAL_DEFAULTS.dataDir),
    region: env.LOCAL_REGION || LOCAL_DEFAULTS.region,
    admin: {
      email: env.LOCAL_ADMIN_EMAIL || LOCAL_DEFAULTS.adminEmail,
      password: env.LOCAL_ADMIN_PASSWORD || LOCAL_DEFAULTS.adminPassword,
    },
    batch: {
      size: int(env, 'LOCAL_BATCH_SIZE', LOCAL_DEFAULTS.batchSize, 1, 10_000),
      windowMs: int(env, 'LOCAL_BATCH_WINDOW_MS', LOCAL_DEFAULTS.batchWindowMs, 0, 300_000),
    },
    devicePassword: env.LOCAL_DEVICE_PASSWORD || undefined,
    telemetry: telemetryKind(env.LOCAL_TELEMETRY),
  };
}

function telemetryKind(raw: string | undefined): LocalTelemetryKind {
  if (raw === undefined || raw === '') return 'duckdb';
  if ((LOCAL_TELEMETRY_KINDS as readonly string[]).includes(raw)) return raw as LocalTelemetryKind;
  throw new Error(`LOCAL_TELEMETRY=${raw} is not valid: use ${LOCAL_TELEMETRY_KINDS.join(' or ')}.`);
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return int(env, name, fallback, 0, 65_535);
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${raw} is not valid: use a whole number from ${min} to ${max}.`);
  }
  return value;
}
