import { tableNameFor } from '../core/shared/table';
import type { AdminRequestVerifier } from './embedded/cognito-front';
import type { EmbeddedCognito } from './embedded/cognito';
import type { EmbeddedDynamo } from './embedded/dynamodb';
import type { LocalCredentials } from './embedded/local-credentials';
import type { EmbeddedMqtt } from './embedded/mqtt';
import type { LocalProcessor } from './processor/local-processor';
import type { ApiInvoker, Engine } from './server/engine';
import type { GraphqlServer } from './server/http-server';
import { LOCAL_DEFAULTS, type LocalConfig, type LocalTelemetryKind } from './config';
import { startApi } from './start/api';
import { seedAdmin } from './start/admin';
import { BackendEvents } from './start/backend-events';
import { startBroker } from './start/broker';
import { startCognitoPart } from './start/cognito';
import { startSecrets } from './start/credentials';
import { startDataDir } from './start/data-dir';
import { startDynamoPart } from './start/dynamodb';
import { ServerAddress, startApiServer } from './start/graphql-server';
import { writeOutputs, type LocalOutputs } from './start/outputs';
import { PartStack, type StartContext } from './start/parts';
import { checkPorts, portsOf } from './start/ports';
import { startProcessor } from './start/processor';
import { startTelemetry } from './start/telemetry';
import { reconcileAtStart, startSilenceWatch } from './start/upkeep';

export type { LocalOutputs } from './start/outputs';

export interface LocalOptions {
  /** Data folder (kept across restarts); undefined = everything in memory. */
  dataDir?: string | undefined;
  host?: string;
  /** Ports; 0 = a free port (tests). Defaults: docs/LOCAL.md. */
  ports?: Partial<LocalConfig['ports']>;
  region?: string;
  admin?: { email: string; password: string };
  batch?: Partial<LocalConfig['batch']>;
  /** MQTT device credentials: when set, devices sign in with username = device id and this password. */
  devicePassword?: string | undefined;
  /** Replaces the real API handler (server tests). */
  invoker?: ApiInvoker;
  /** AppSync real-time keep-alive interval (ms). */
  keepAliveMs?: number;
  /** How long an AppSync socket may stay open without connection_init (ms; tests shorten it). */
  connectionInitTimeoutMs?: number;
  /** Inbox log size after which it is compacted while running (tests make it small). */
  inboxCompactAfterBytes?: number;
  /** The telemetry store (LOCAL_TELEMETRY): `duckdb` (default) or `dynamodb` on the embedded DynamoDB. */
  telemetry?: LocalTelemetryKind;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
  /** Guards Cognito's admin operations (issue 12's SigV4 verifier; tests inject their own). */
  verifyCognitoAdminRequest?: AdminRequestVerifier;
  /** How often the silence watch is checked (ms; default 60 s; AWS checks every 5 minutes). */
  silenceCheckMs?: number;
}

export interface LocalMode {
  outputs: LocalOutputs;
  /**
   * The key pair DynamoDB, the IoT Data Plane and Cognito's admin API accept
   * SigV4 signatures from (`<dataDir>/credentials`; per run in memory mode).
   * Not in outputs.json: that file is meant for browsers.
   */
  credentials: LocalCredentials;
  engine: Engine;
  mqtt: EmbeddedMqtt;
  cognito: EmbeddedCognito;
  dynamo: EmbeddedDynamo;
  processor: LocalProcessor;
  server: GraphqlServer;
  /** Stops intake first, then drains the processor, then closes the stores: nothing accepted is lost. */
  stop(): Promise<void>;
}

/**
 * Starts the whole system in this process, one part after another (each in
 * local/start/): the data dir and its lock, the credentials and the local CA,
 * dynalite, cognito-local, the MQTT broker with the IoT Data Plane route, the
 * telemetry store, the API with its GraphQL engine, the calibration
 * processor, and the GraphQL server. A part that fails to start stops the
 * ones before it; `stop()` stops them all in reverse. Used by `npm start`
 * and by the tests.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalMode> {
  const host = options.host ?? LOCAL_DEFAULTS.host;
  const region = options.region ?? LOCAL_DEFAULTS.region;
  const ports = portsOf(options.ports);
  const admin = options.admin ?? { email: LOCAL_DEFAULTS.adminEmail, password: LOCAL_DEFAULTS.adminPassword };
  const log = options.log ?? (() => undefined);
  const tableName = tableNameFor('local');
  const parts = new PartStack(log);

  const dataDir = await parts.start('data dir', () => startDataDir(options.dataDir));
  // Every port is checked before anything starts, so a taken one fails fast and touches no data.
  await parts.run('ports', () => checkPorts(ports, host));
  const { credentials, tls } = await parts.start('credentials', () => startSecrets({ dataDir, host }));
  const common: StartContext = { host, region, log, credentials, dataDir };
  const dynamo = await parts.start('dynamodb', () =>
    startDynamoPart({ ...common, tableName, port: ports.dynamodb }),
  );
  const cognito = await parts.start('cognito', () =>
    startCognitoPart({
      ...common,
      port: ports.cognito,
      verifyAdminRequest: options.verifyCognitoAdminRequest,
    }),
  );
  const mqtt = await parts.start('mqtt', () =>
    startBroker({
      ...common,
      port: ports.mqtt,
      wsPort: ports.mqttWs,
      devicePassword: options.devicePassword,
    }),
  );
  const telemetry = await parts.start('telemetry', () =>
    startTelemetry({ kind: options.telemetry ?? 'duckdb', dataDir, dynamo }),
  );
  // Built before the parts that tell it and the engine that listens: no late-bound notifier.
  const events = new BackendEvents();
  const address = new ServerAddress();
  const stores = { dynamo, tableName, mqtt, telemetry: telemetry.store, events };
  const api = await parts.start('api', () =>
    startApi({ ...common, ...stores, cognito, baseUrl: () => address.baseUrl, invoker: options.invoker }),
  );
  const { processor, deviceStore } = await parts.start('processor', () =>
    startProcessor({
      ...common,
      ...stores,
      acks: api.deps.devices,
      sender: api.outbox,
      batch: options.batch,
      inboxCompactAfterBytes: options.inboxCompactAfterBytes,
    }),
  );
  const server = await parts.start('graphql', () =>
    startApiServer({
      ...common,
      api,
      cognito,
      processor,
      tls,
      port: ports.graphql,
      address,
      keepAliveMs: options.keepAliveMs,
      connectionInitTimeoutMs: options.connectionInitTimeoutMs,
    }),
  );
  const { deps } = api;
  await parts.run('admin', () => seedAdmin({ accounts: deps.accounts, users: deps.users, admin, log }));
  await parts.run('reconciliation', () =>
    reconcileAtStart({ devices: deps.devices, deviceStore, mqtt, log }),
  );
  const everyMs = options.silenceCheckMs ?? 60_000;
  await parts.start('silence watch', () => startSilenceWatch({ alerts: deps.alerts, everyMs, log }));
  const outputs = await parts.run('outputs', () =>
    writeOutputs(dataDir, { server, mqtt, cognito, dynamo, telemetry, tls, tableName, region, admin, api }),
  );
  return {
    outputs,
    credentials,
    engine: api.engine,
    mqtt,
    cognito,
    dynamo,
    processor,
    server,
    stop: () => parts.stop(),
  };
}
