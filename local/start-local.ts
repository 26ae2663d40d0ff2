import { createServer } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { Logger } from '@aws-lambda-powertools/logger';
import { createApi } from '../resolvers/api/app';
import { buildApiDeps, documentClientOf, type ApiClients } from '../resolvers/api/deps';
import { ACK_TOPIC_FILTER, READING_TOPIC_FILTERS, type InboundMessage } from '../core/ingestion';
import { deviceIdHint } from '../core/ingestion/topics';
import { buildIngestion } from '../core/ingestion/build-ingestion';
import { toRejectedMessage } from '../core/rejected';
import { DuckDbTelemetryStore, DynamoDbTelemetryStore, type TelemetryStore } from '../core/telemetry';
import { telemetryTableNameFor } from '../core/telemetry/dynamodb/layout';
import { FileExportSink, exportSecretOf } from './export/file-export-sink';
import { exportDownloadRoute } from './server/export-download';
import { DeviceCache } from '../processors/calibration/device-cache';
import { AlertService, DynamoAlertStore, type AlertPublisher } from '../core/alerts';
import { OutboxNotificationSender } from '../core/alerts/outbox-notification-sender';
import { DynamoUserStore } from '../core/users';
import type { User } from '../core/generated/graphql';
import { tableNameFor } from '../core/shared/table';
import {
  ensureTelemetryTable,
  startDynamo,
  localClientConfig,
  type EmbeddedDynamo,
} from './embedded/dynamodb';
import { startCognito, type EmbeddedCognito } from './embedded/cognito';
import type { AdminRequestVerifier } from './embedded/cognito-front';
import { startMqtt, type EmbeddedMqtt } from './embedded/mqtt';
import { PortInUseError } from './embedded/listen';
import { ensureLocalTls } from './embedded/certificates';
import { loadLocalCredentials, type LocalCredentials } from './embedded/local-credentials';
import { createSigV4Checker, createSigV4Verifier } from './embedded/sigv4-verifier';
import { StoreDamagedError, checkUserPool, lockDataDir } from './embedded/data-dir-check';
import { rebuildRetainedConfigs } from './embedded/retained-rebuild';
import { loadLocalSchema } from './server/schema';
import { createTokenVerifier } from './server/auth';
import { Engine, type ApiInvoker } from './server/engine';
import { startGraphqlServer, type GraphqlServer } from './server/http-server';
import { loadIde } from './server/ide';
import { CONSOLE_DIST } from '../console/tooling/build-console';
import { startLocalProcessor, type LocalProcessor } from './processor/local-processor';
import { LOCAL_DEFAULTS, PORT_VARIABLES, type LocalConfig, type LocalTelemetryKind } from './config';

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

/** What `.local/outputs.json` holds: the endpoints clients need, named like the CDK stack's outputs. */
export interface LocalOutputs {
  GraphQLUrl: string;
  RealtimeUrl: string;
  MqttUrl: string;
  MqttWsUrl: string;
  IotDataEndpoint: string;
  UserPoolId: string;
  UserPoolClientId: string;
  CognitoEndpoint: string;
  CognitoIssuer: string;
  JwksUri: string;
  DynamoDbEndpoint: string;
  TableName: string;
  TelemetryStore: string;
  /** `duckdb` or `dynamodb` (CONTRACT.md section 3). */
  TelemetryStoreKind: LocalTelemetryKind;
  Region: string;
  AdminEmail: string;
  HealthUrl: string;
  /** The operator console (served from console/dist). */
  ConsoleUrl: string;
  /** `https://` form of GraphQLUrl: the same port also speaks TLS. */
  GraphQLHttpsUrl: string;
  /** Absolute path of the local CA's PEM, which signs the GraphQL port's certificate (CONTRACT.md section 3). */
  CaCertificateFile: string;
  /** GET: the alert notifications that would have been sent (CONTRACT.md section 3). */
  OutboxUrl: string;
  OutboxDir: string;
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
 * Starts the whole system in this process: dynalite, cognito-local, the MQTT
 * broker with the IoT Data Plane route, the DuckDB telemetry store, the
 * calibration processor behind an SQS-like batcher, and the GraphQL server
 * that calls the API handler. Used by `npm start` and by the tests.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalMode> {
  const host = options.host ?? LOCAL_DEFAULTS.host;
  const region = options.region ?? LOCAL_DEFAULTS.region;
  const ports = {
    graphql: options.ports?.graphql ?? LOCAL_DEFAULTS.graphqlPort,
    mqtt: options.ports?.mqtt ?? LOCAL_DEFAULTS.mqttPort,
    mqttWs: options.ports?.mqttWs ?? LOCAL_DEFAULTS.mqttWsPort,
    cognito: options.ports?.cognito ?? LOCAL_DEFAULTS.cognitoPort,
    dynamodb: options.ports?.dynamodb ?? LOCAL_DEFAULTS.dynamodbPort,
  };
  const admin = options.admin ?? { email: LOCAL_DEFAULTS.adminEmail, password: LOCAL_DEFAULTS.adminPassword };
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Taken first: a second start on the same dir is refused naming the process that has it
  // (before, it got as far as a dynalite stack trace).
  const releaseLock = dataDir ? lockDataDir(dataDir) : () => undefined;

  const stops: (() => Promise<void>)[] = [async () => releaseLock()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err: unknown) => log(`[local] stop failed: ${(err as Error).message}`));
    }
  };
  try {
    // Every port is checked before anything starts, so a taken one fails fast and touches no data.
    await checkPorts(ports, host);
    const credentials = loadLocalCredentials(dataDir);
    const tableName = tableNameFor('local');
    const dynamo = await named('dynamodb', ports.dynamodb, () =>
      startDynamo({
        tableName,
        port: ports.dynamodb,
        host,
        credentials,
        ...(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {}),
      }),
    );
    stops.push(() => dynamo.stop());
    log(`[local] DynamoDB (dynalite) on ${dynamo.endpoint}`);

    // cognito-local has no memory mode: a throwaway run gets a temporary folder.
    const cognitoDir = dataDir
      ? join(dataDir, 'cognito')
      : join(process.env.TMPDIR ?? '/tmp', `yvr-cognito-${process.pid}-${Date.now()}`);
    // A data dir that had a pool must still have its file, or every account would vanish silently.
    if (dataDir) checkUserPool(dataDir, cognitoDir);
    const cognito = await named('cognito', ports.cognito, () =>
      startCognito({
        dataDir: cognitoDir,
        port: ports.cognito,
        host,
        region,
        log,
        credentials,
        // Cognito's admin and pool operations need a SigV4 signature with the local credentials, as in AWS.
        verifyAdminRequest: options.verifyCognitoAdminRequest ?? cognitoAdminVerifier(credentials),
      }),
    );
    stops.push(async () => {
      await cognito.stop();
      if (!dataDir) rmSync(cognitoDir, { recursive: true, force: true });
    });
    log(
      `[local] Cognito (cognito-local behind the Cognito front) on ${cognito.endpoint}, pool ${cognito.userPoolId}`,
    );

    const mqtt = await startMqtt({
      port: ports.mqtt,
      wsPort: ports.mqttWs,
      host,
      verifyDataPlaneRequest: createSigV4Verifier({ credentials, service: 'iotdata' }),
      log,
      ...(dataDir ? { persistence: join(dataDir, 'mqtt') } : {}),
      ...(options.devicePassword
        ? {
            deviceCredentials: {
              verify: (_id: string, password: string) => password === options.devicePassword,
            },
          }
        : {}),
    });
    stops.push(() => mqtt.stop());
    log(`[local] MQTT on ${mqtt.url} and ${mqtt.wsUrl}`);

    // LOCAL_TELEMETRY: DuckDB stands in for Timestream; `dynamodb` runs the DynamoDB store on dynalite,
    // in a table of its own created from the same definition as in AWS.
    const telemetryKind = options.telemetry ?? 'duckdb';
    let telemetry: TelemetryStore;
    let telemetryPath: string;
    if (telemetryKind === 'dynamodb') {
      telemetryPath = telemetryTableNameFor('local');
      await ensureTelemetryTable(dynamo.client, telemetryPath);
      telemetry = new DynamoDbTelemetryStore({ client: dynamo.client, tableName: telemetryPath });
    } else {
      const duckPath = dataDir ? join(dataDir, 'telemetry.duckdb') : ':memory:';
      telemetryPath = duckPath;
      const duck = await DuckDbTelemetryStore.open({ path: duckPath }).catch((err: unknown) => {
        // A damaged file refuses the start naming it, rather than a driver stack trace.
        if (!dataDir) throw err;
        throw new StoreDamagedError(
          `The telemetry store ${duckPath} cannot be opened (${(err as Error).message}). Restore it from a backup, or move it aside to start with no readings: mv ${duckPath} ${duckPath}.damaged`,
          { cause: err },
        );
      });
      stops.push(() => duck.close());
      telemetry = duck;
    }
    // Exports: files under the data dir, served by the GraphQL port behind signed, expiring links.
    const exportsDir = dataDir
      ? join(dataDir, 'exports')
      : join(process.env.TMPDIR ?? '/tmp', `yvr-exports-${process.pid}-${Date.now()}`);
    if (!dataDir) stops.push(async () => rmSync(exportsDir, { recursive: true, force: true }));
    const exportSecret = exportSecretOf(dataDir);
    const exportSink = new FileExportSink({
      dir: exportsDir,
      secret: exportSecret,
      // Read at the first export, once the server (below) has its URL.
      baseUrl: () => urls.graphqlUrl.replace(/\/graphql$/, ''),
    });

    const localLogger = new Logger({
      serviceName: 'yvr-local',
      logLevel: (process.env.LOG_LEVEL ?? 'WARN') as 'WARN',
    });
    const iotData = new IoTDataPlaneClient({
      ...localClientConfig(mqtt.dataPlaneEndpoint, region, credentials),
    });
    stops.push(async () => iotData.destroy());
    // The processor's acks and the API's replays both tell subscribers through the in-process
    // backend mutation, bound once the GraphQL engine exists (below).
    let notify: (deviceId: string) => Promise<void> = async () => undefined;
    const changeNotifier = { deviceChanged: (deviceId: string) => notify(deviceId) };
    // onAlertChanged the same way: the backend mutation notifyAlertChanged, in-process.
    let notifyAlert: AlertPublisher['alertChanged'] = async () => undefined;
    const alertPublisher: AlertPublisher = { alertChanged: (alert) => notifyAlert(alert) };
    // SNS stand-in: one file per notification, naming the opted-in recipients.
    const outboxDir = dataDir
      ? join(dataDir, 'outbox')
      : join(process.env.TMPDIR ?? '/tmp', `yvr-outbox-${process.pid}-${Date.now()}`);
    const profileStore = new DynamoUserStore({ client: documentClientOf(dynamo.client), tableName });
    const outbox = new OutboxNotificationSender({
      dir: outboxDir,
      profiles: async () => {
        const all: User[] = [];
        let token: string | null | undefined;
        do {
          const page = await profileStore.list(100, token);
          all.push(...page.items);
          token = page.nextToken;
        } while (token);
        return all;
      },
      log,
    });
    if (!dataDir) stops.push(async () => rmSync(outboxDir, { recursive: true, force: true }));
    const clients: ApiClients = {
      dynamo: dynamo.client,
      tableName,
      iotData,
      cognito: cognito.client,
      userPoolId: cognito.userPoolId,
      telemetryStore: telemetry,
      exportSink,
      changeNotifier,
      alertPublisher,
      notificationSender: outbox,
      logger: localLogger,
    };
    const apiDeps = buildApiDeps(clients);
    const api = createApi(apiDeps);
    const invoker: ApiInvoker = options.invoker ?? ((event) => api.resolve(event));

    const documents = documentClientOf(dynamo.client);
    const processorAlerts = new AlertService({
      store: new DynamoAlertStore({ client: documents, tableName }),
      publisher: alertPublisher,
      sender: outbox,
      logger: {
        warn: (message) => log(`[alerts] ${message}`),
        error: (message, extra) =>
          log(`[alerts] ${message} ${String((extra as { error?: unknown })?.error ?? '')}`),
      },
    });
    // The processor's parts, built as the calibration Lambda builds them: the same device cache per process.
    const { pipeline, rejected, rejectedStore, deviceStore } = buildIngestion({
      documents,
      tableName,
      alerts: processorAlerts,
      telemetry,
      acks: apiDeps.devices,
      notifier: changeNotifier,
      cacheDevices: (table) => new DeviceCache({ source: table }),
      logger: { warn: (message) => log(`[processor] ${message}`) },
    });

    const localSchema = loadLocalSchema();
    const engine = new Engine({
      localSchema,
      invoker,
      onSubscriptionGap: (message) => log(`[graphql] ${message}`),
      onHandlerError: (err, event) =>
        log(
          `[graphql] the API handler threw on ${event.info.parentTypeName}.${event.info.fieldName}: ${(err as Error).stack ?? String(err)}`,
        ),
    });

    // In AWS the processor calls the @aws_iam mutation with SigV4; here it runs in-process as the backend.
    notify = async (deviceId) => {
      const result = await engine.callAsBackend('notifyDeviceConfigChanged', { id: deviceId });
      if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
    };
    notifyAlert = async (alert) => {
      const result = await engine.callAsBackend('notifyAlertChanged', { id: alert.id });
      if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
    };
    const processorOptions = {
      mqtt,
      pipeline,
      rejected,
      keepDeadLetter: (message: InboundMessage, reason: string) =>
        rejectedStore.put(toRejectedMessage(message, deviceIdOf(message.topic), reason)),
      log,
    };
    const readingsProcessor = await startLocalProcessor({
      ...processorOptions,
      topics: READING_TOPIC_FILTERS,
      ...(dataDir ? { inboxDir: join(dataDir, 'inbox') } : {}),
      ...(options.inboxCompactAfterBytes ? { inboxCompactAfterBytes: options.inboxCompactAfterBytes } : {}),
      maxBatchSize: options.batch?.size ?? LOCAL_DEFAULTS.batchSize,
      windowMs: options.batch?.windowMs ?? LOCAL_DEFAULTS.batchWindowMs,
    });
    // Acks on their own path with no batching window, as their own queue and event source in AWS.
    const ackProcessor = await startLocalProcessor({
      ...processorOptions,
      topics: [ACK_TOPIC_FILTER],
      ...(dataDir ? { inboxDir: join(dataDir, 'inbox-acks') } : {}),
      maxBatchSize: 10,
      windowMs: 0,
    });
    const processor = bothProcessors(readingsProcessor, ackProcessor);
    stops.push(() => processor.stop());

    // The CA is kept with the data, so a browser or OS that trusts it once keeps trusting it;
    // a throwaway run gets a throwaway CA.
    const tlsDir = dataDir
      ? join(dataDir, 'tls')
      : join(process.env.TMPDIR ?? '/tmp', `yvr-tls-${process.pid}-${Date.now()}`);
    const tls = ensureLocalTls(tlsDir, host);
    if (!dataDir) stops.push(async () => rmSync(tlsDir, { recursive: true, force: true }));

    const ide = loadIde();
    const urls = { graphqlUrl: '', realtimeUrl: '' };
    const server: GraphqlServer = await named('graphql', ports.graphql, () =>
      startGraphqlServer({
        engine,
        verifyToken: createTokenVerifier({
          issuer: cognito.issuer,
          jwksUri: cognito.jwksUri,
          userPoolClientId: cognito.userPoolClientId,
          jwks: cognito.jwks,
        }),
        port: ports.graphql,
        host,
        tls: { cert: tls.cert, key: tls.key },
        idePage: () =>
          ide.page({
            ...urls,
            cognitoEndpoint: cognito.endpoint,
            userPoolClientId: cognito.userPoolClientId,
            region,
          }),
        ideAssets: ide.assets,
        console: {
          dir: CONSOLE_DIST,
          // The console's config.json: the outputs it needs (cognito-local has no SRP, hence the flow).
          config: () => ({
            GraphQLUrl: urls.graphqlUrl,
            Region: region,
            UserPoolId: cognito.userPoolId,
            UserPoolClientId: cognito.userPoolClientId,
            CognitoEndpoint: cognito.endpoint,
            AuthFlowType: 'USER_PASSWORD_AUTH',
            Stage: 'local',
          }),
        },
        exportDownloads: exportDownloadRoute({ dir: exportsDir, secret: exportSecret }),
        health: () => ({
          processor: processor.stats(),
          subscriptions: engine.hub.count(),
          webSockets: server.connections(),
        }),
        ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
        ...(options.connectionInitTimeoutMs
          ? { connectionInitTimeoutMs: options.connectionInitTimeoutMs }
          : {}),
        outbox: (limit) => outbox.list(limit),
      }),
    );
    Object.assign(urls, { graphqlUrl: server.url, realtimeUrl: server.realtimeUrl });
    // Stopped first (stops run in reverse), so no request arrives while the rest drains.
    stops.push(() => server.stop());

    const seeded = await seedAdmin(cognito, admin, log);
    if (seeded && apiDeps.users) {
      // A profile too, so `me` answers for the admin from the first sign-in.
      const caller = {
        kind: 'user' as const,
        sub: seeded.sub,
        username: seeded.sub,
        groups: ['admin' as const],
      };
      await apiDeps.users
        .createUser(caller, { id: seeded.sub, email: admin.email, name: 'Local admin' })
        .catch((err: unknown) =>
          log(`[local] could not create the admin's profile: ${(err as Error).message}`),
        );
    }
    // Config whose publish failed before the last stop is re-sent now (issue 5's reconciliation at start).
    await apiDeps.devices
      .reconcileConfigDelivery()
      .catch((err: unknown) => log(`[local] config reconciliation failed: ${(err as Error).message}`));
    // The device table is the truth: retained config lost or damaged on disk is published again.
    await rebuildRetainedConfigs({ devices: deviceStore, mqtt }).then(
      (ids) => {
        if (ids.length)
          log(
            `[local] retained config rebuilt from the device table for ${ids.length} device(s): ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', ...' : ''}`,
          );
      },
      (err: unknown) => log(`[local] could not rebuild retained config: ${(err as Error).message}`),
    );

    // The silence watch on a timer (AWS: the 5-minute reconciliation schedule).
    const silenceTimer = setInterval(() => {
      apiDeps.alerts
        ?.checkSilence()
        .then((r) => r.opened && log(`[alerts] silence check opened ${r.opened} alert(s)`))
        .catch((err: unknown) => log(`[alerts] silence check failed: ${(err as Error).message}`));
    }, options.silenceCheckMs ?? 60_000);
    silenceTimer.unref();
    stops.push(async () => clearInterval(silenceTimer));

    const outputs: LocalOutputs = {
      GraphQLUrl: server.url,
      RealtimeUrl: server.realtimeUrl,
      MqttUrl: mqtt.url,
      MqttWsUrl: mqtt.wsUrl,
      IotDataEndpoint: mqtt.dataPlaneEndpoint,
      UserPoolId: cognito.userPoolId,
      UserPoolClientId: cognito.userPoolClientId,
      CognitoEndpoint: cognito.endpoint,
      CognitoIssuer: cognito.issuer,
      JwksUri: cognito.jwksUri,
      DynamoDbEndpoint: dynamo.endpoint,
      TableName: tableName,
      TelemetryStore: telemetryPath,
      TelemetryStoreKind: telemetryKind,
      Region: region,
      AdminEmail: admin.email,
      HealthUrl: server.url.replace(/\/graphql$/, '/health'),
      ConsoleUrl: server.url.replace(/\/graphql$/, '/console/'),
      GraphQLHttpsUrl: server.secureUrl!,
      CaCertificateFile: tls.caCertificateFile,
      OutboxUrl: server.url.replace(/\/graphql$/, '/outbox'),
      OutboxDir: outboxDir,
    };
    if (dataDir) writeFileSync(join(dataDir, 'outputs.json'), `${JSON.stringify(outputs, null, 2)}\n`);

    let stopping: Promise<void> | undefined;
    return {
      outputs,
      credentials,
      engine,
      mqtt,
      cognito,
      dynamo,
      processor,
      server,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Creates the admin account on the first start and returns its sub; later
 * starts find it, leave it as it is and return undefined.
 */
async function seedAdmin(
  cognito: EmbeddedCognito,
  admin: { email: string; password: string },
  log: (line: string) => void,
): Promise<{ sub: string } | undefined> {
  const found = await cognito.client.send(
    new ListUsersCommand({ UserPoolId: cognito.userPoolId, Filter: `email = "${admin.email}"`, Limit: 1 }),
  );
  if (found.Users?.some((u) => u.Attributes?.some((a) => a.Name === 'email' && a.Value === admin.email)))
    return undefined;
  const created = await cognito.client.send(
    new AdminCreateUserCommand({
      UserPoolId: cognito.userPoolId,
      Username: admin.email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: admin.email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  const username = created.User?.Username ?? admin.email;
  await cognito.client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: cognito.userPoolId,
      Username: username,
      Password: admin.password,
      Permanent: true,
    }),
  );
  await cognito.client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: cognito.userPoolId,
      Username: username,
      GroupName: 'admin',
    }),
  );
  log(`[local] created the admin account ${admin.email}`);
  return { sub: created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? username };
}

function deviceIdOf(topic: string): string | null {
  return deviceIdHint(topic);
}

type PortName = keyof typeof PORT_VARIABLES;

/** Refuses to start when a fixed port is taken, naming the variable that moves it. */
async function checkPorts(ports: Record<PortName, number>, host: string): Promise<void> {
  for (const [name, port] of Object.entries(ports) as [PortName, number][]) {
    if (!port) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE' || err.code === 'EACCES'
            ? new PortInUseError(port, PORT_VARIABLES[name], { cause: err })
            : err,
        ),
      );
      probe.listen(port, host, () => probe.close(() => resolve()));
    });
  }
}

/** Turns a listen failure of an embedded part into a PortInUseError naming its variable. */
async function named<T>(name: PortName, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new PortInUseError(port, PORT_VARIABLES[name], { cause: err });
    throw err;
  }
}

/** The readings and the ack processors seen as one (stats added up, flush and stop both). */
function bothProcessors(readings: LocalProcessor, acks: LocalProcessor): LocalProcessor {
  return {
    stats() {
      const a = readings.stats();
      const b = acks.stats();
      return {
        received: a.received + b.received,
        accepted: a.accepted + b.accepted,
        rejected: a.rejected + b.rejected,
        retried: a.retried + b.retried,
        deadLettered: a.deadLettered + b.deadLettered,
        batches: a.batches + b.batches,
        waiting: a.waiting + b.waiting,
      };
    },
    flush: async () => {
      await Promise.all([readings.flush(), acks.flush()]);
    },
    stop: async () => {
      await Promise.all([readings.stop(), acks.stop()]);
    },
  };
}

/** The Cognito front's admin-operation check: a SigV4 signature made with the local credentials. */
function cognitoAdminVerifier(credentials: LocalCredentials): AdminRequestVerifier {
  const check = createSigV4Checker({ credentials, service: 'cognito-idp' });
  return async (req, rawBody) => {
    const problem = await check(req.method ?? 'POST', req.url ?? '/', req.headers, rawBody);
    // Cognito names its errors as DynamoDB does: `InvalidSignatureException`, `MissingAuthenticationTokenException`.
    return problem && { code: `${problem.code}Exception`, message: problem.message };
  };
}
