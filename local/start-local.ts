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
import { DynamoDeviceStore } from '../core/devices';
import { createIngestionPipeline, type InboundMessage } from '../core/ingestion';
import { createQualityAssessor } from '../core/quality/assessor';
import { DynamoRejectedStore, RejectedMessageService, toRejectedMessage } from '../core/rejected';
import { DuckDbTelemetryStore } from '../core/telemetry';
import { DeviceCache } from '../processors/calibration/device-cache';
import { tableNameFor } from '../core/shared/table';
import { startDynamo, localClientConfig, type EmbeddedDynamo } from './embedded/dynamodb';
import { startCognito, type EmbeddedCognito } from './embedded/cognito';
import { startMqtt, type EmbeddedMqtt } from './embedded/mqtt';
import { PortInUseError } from './embedded/listen';
import { loadLocalSchema } from './server/schema';
import { createTokenVerifier } from './server/auth';
import { Engine, type ApiInvoker } from './server/engine';
import { startGraphqlServer, type GraphqlServer } from './server/http-server';
import { loadIde } from './server/ide';
import { startLocalProcessor, type LocalProcessor } from './processor/local-processor';
import { LOCAL_DEFAULTS, PORT_VARIABLES, type LocalConfig } from './config';

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
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
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
  Region: string;
  AdminEmail: string;
  HealthUrl: string;
}

export interface LocalMode {
  outputs: LocalOutputs;
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
  // Every port is checked before anything starts, so a taken one fails fast and touches no data.
  await checkPorts(ports, host);
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err: unknown) => log(`[local] stop failed: ${(err as Error).message}`));
    }
  };
  try {
    const tableName = tableNameFor('local');
    const dynamo = await named('dynamodb', ports.dynamodb, () =>
      startDynamo({
        tableName,
        port: ports.dynamodb,
        host,
        ...(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {}),
      }),
    );
    stops.push(() => dynamo.stop());
    log(`[local] DynamoDB (dynalite) on ${dynamo.endpoint}`);

    // cognito-local has no memory mode: a throwaway run gets a temporary folder.
    const cognitoDir = dataDir
      ? join(dataDir, 'cognito')
      : join(process.env.TMPDIR ?? '/tmp', `yvr-cognito-${process.pid}-${Date.now()}`);
    const cognito = await named('cognito', ports.cognito, () =>
      startCognito({ dataDir: cognitoDir, port: ports.cognito, host, region }),
    );
    stops.push(async () => {
      await cognito.stop();
      if (!dataDir) rmSync(cognitoDir, { recursive: true, force: true });
    });
    log(`[local] Cognito (cognito-local) on ${cognito.endpoint}, pool ${cognito.userPoolId}`);

    const mqtt = await startMqtt({
      port: ports.mqtt,
      wsPort: ports.mqttWs,
      host,
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

    const telemetryPath = dataDir ? join(dataDir, 'telemetry.duckdb') : ':memory:';
    const telemetry = await DuckDbTelemetryStore.open({ path: telemetryPath });
    stops.push(() => telemetry.close());

    const localLogger = new Logger({
      serviceName: 'yvr-local',
      logLevel: (process.env.LOG_LEVEL ?? 'WARN') as 'WARN',
    });
    const iotData = new IoTDataPlaneClient({ ...localClientConfig(mqtt.dataPlaneEndpoint, region) });
    stops.push(async () => iotData.destroy());
    // The processor's acks and the API's replays both tell subscribers through the in-process
    // backend mutation, bound once the GraphQL engine exists (below).
    let notify: (deviceId: string) => Promise<void> = async () => undefined;
    const changeNotifier = { deviceChanged: (deviceId: string) => notify(deviceId) };
    const clients: ApiClients = {
      dynamo: dynamo.client,
      tableName,
      iotData,
      cognito: cognito.client,
      userPoolId: cognito.userPoolId,
      // DuckDB stands in for Timestream.
      telemetryStore: telemetry,
      changeNotifier,
      logger: localLogger,
    };
    const apiDeps = buildApiDeps(clients);
    const api = createApi(apiDeps);
    const invoker: ApiInvoker = options.invoker ?? ((event) => api.resolve(event));

    const documents = documentClientOf(dynamo.client);
    const deviceStore = new DynamoDeviceStore({ client: documents, tableName });
    const rejectedStore = new DynamoRejectedStore({ client: documents, tableName });
    // The processor's pipeline, as the calibration Lambda builds it: the same device cache per process.
    const deviceCache = new DeviceCache({ source: { get: (id) => deviceStore.get(id) } });
    const pipeline = createIngestionPipeline({
      devices: deviceCache,
      telemetry,
      acks: apiDeps.devices,
      notifier: changeNotifier,
      lastSeen: deviceStore,
      // QARTOD flags from the process's recent readings, as the Lambda keeps them per container.
      quality: createQualityAssessor(),
      logger: { warn: (message) => log(`[processor] ${message}`) },
    });
    const rejected = new RejectedMessageService({ store: rejectedStore, pipeline });

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
    const processor = await startLocalProcessor({
      mqtt,
      pipeline,
      keepRejected: (outcomes) => rejected.keep(outcomes),
      keepDeadLetter: (message: InboundMessage, reason: string) =>
        rejectedStore.put(toRejectedMessage(message, deviceIdOf(message.topic), reason)),
      ...(dataDir ? { inboxDir: join(dataDir, 'inbox') } : {}),
      maxBatchSize: options.batch?.size ?? LOCAL_DEFAULTS.batchSize,
      windowMs: options.batch?.windowMs ?? LOCAL_DEFAULTS.batchWindowMs,
      log,
    });
    stops.push(() => processor.stop());

    const ide = loadIde();
    const urls = { graphqlUrl: '', realtimeUrl: '' };
    const server: GraphqlServer = await named('graphql', ports.graphql, () =>
      startGraphqlServer({
        engine,
        verifyToken: createTokenVerifier({
          issuer: cognito.issuer,
          jwksUri: cognito.jwksUri,
          userPoolClientId: cognito.userPoolClientId,
        }),
        port: ports.graphql,
        host,
        idePage: () =>
          ide.page({
            ...urls,
            cognitoEndpoint: cognito.endpoint,
            userPoolClientId: cognito.userPoolClientId,
            region,
          }),
        ideAssets: ide.assets,
        health: () => ({
          processor: processor.stats(),
          subscriptions: engine.hub.count(),
          webSockets: server.connections(),
        }),
        ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
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
      Region: region,
      AdminEmail: admin.email,
      HealthUrl: server.url.replace(/\/graphql$/, '/health'),
    };
    if (dataDir) writeFileSync(join(dataDir, 'outputs.json'), `${JSON.stringify(outputs, null, 2)}\n`);

    let stopping: Promise<void> | undefined;
    return {
      outputs,
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
  const levels = topic.split('/');
  return (levels[0] === 'devices' ? levels[1] : levels[0]) || null;
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
