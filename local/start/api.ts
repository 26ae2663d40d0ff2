import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { Logger } from '@aws-lambda-powertools/logger';
import type { User } from '../../core/generated/graphql';
import { CognitoAccountDirectory } from '../../core/accounts';
import { IotConfigPublisher } from '../../core/devices';
import { OutboxNotificationSender } from '../../core/alerts/outbox-notification-sender';
import type { TelemetryStore } from '../../core/telemetry';
import { DynamoUserStore } from '../../core/users';
import { createApi } from '../../resolvers/api/app';
import { buildApiDeps, documentClientOf, type ApiArea, type AreaDeps } from '../../resolvers/api/deps';
import type { EmbeddedCognito } from '../embedded/cognito';
import { localClientConfig, type EmbeddedDynamo } from '../embedded/dynamodb';
import type { EmbeddedMqtt } from '../embedded/mqtt';
import { FileExportSink, exportSecretOf } from '../export/file-export-sink';
import { Engine, type ApiInvoker } from '../server/engine';
import { exportDownloadRoute } from '../server/export-download';
import { loadLocalSchema } from '../server/schema';
import type { BackendEvents } from './backend-events';
import { workDir } from './data-dir';
import type { Part, StartContext } from './parts';

export interface LocalApi {
  /** The API's services, built as the Lambda builds them (resolvers/api/deps.ts). */
  deps: AreaDeps<ApiArea>;
  /** The GraphQL engine: the local schema, resolvers that call the API handler, the subscription hub. */
  engine: Engine;
  /** The SNS stand-in: one file per notification, naming the opted-in recipients. */
  outbox: OutboxNotificationSender;
  outboxDir: string;
  /** `GET /exports/...` on the GraphQL port: the files behind the signed, expiring links. */
  exportDownloads: ReturnType<typeof exportDownloadRoute>;
}

/**
 * The API handler on the embedded parts, and the GraphQL engine in front of
 * it. The engine joins `events`, so the processor's acks and the API's
 * replays reach subscribers through the backend mutations, in-process (in
 * AWS, the @aws_iam mutations called with SigV4).
 */
export function startApi(
  options: StartContext & {
    dynamo: EmbeddedDynamo;
    cognito: EmbeddedCognito;
    mqtt: EmbeddedMqtt;
    tableName: string;
    telemetry: TelemetryStore;
    events: BackendEvents;
    /** The GraphQL server's base URL, read at the first export (the server starts after the API). */
    baseUrl: () => string;
    /** Replaces the real API handler (server tests). */
    invoker: ApiInvoker | undefined;
  },
): Part<LocalApi> {
  const { dynamo, cognito, tableName, events, log } = options;
  const iotData = new IoTDataPlaneClient(
    localClientConfig(options.mqtt.dataPlaneEndpoint, options.region, options.credentials),
  );
  // Exports: files under the data dir, served by the GraphQL port behind signed, expiring links.
  const exportsDir = workDir(options.dataDir, 'exports');
  const exportSecret = exportSecretOf(options.dataDir);
  const outboxDir = workDir(options.dataDir, 'outbox');
  const profiles = new DynamoUserStore({ client: documentClientOf(dynamo.client), tableName });
  const outbox = new OutboxNotificationSender({
    dir: outboxDir.path,
    profiles: () => allProfiles(profiles),
    log,
  });
  const deps = buildApiDeps({
    dynamo: dynamo.client,
    tableName,
    configPublisher: new IotConfigPublisher({ client: iotData }),
    accountDirectory: new CognitoAccountDirectory({ client: cognito.client, userPoolId: cognito.userPoolId }),
    telemetryStore: options.telemetry,
    exportSink: new FileExportSink({ dir: exportsDir.path, secret: exportSecret, baseUrl: options.baseUrl }),
    changeNotifier: events.changeNotifier,
    alertPublisher: events.alertPublisher,
    notificationSender: outbox,
    logger: new Logger({ serviceName: 'yvr-local', logLevel: (process.env.LOG_LEVEL ?? 'WARN') as 'WARN' }),
  });
  const api = createApi(deps);
  const engine = new Engine({
    localSchema: loadLocalSchema(),
    invoker: options.invoker ?? ((event) => api.resolve(event)),
    onSubscriptionGap: (message) => log(`[graphql] ${message}`),
    onHandlerError: (err, event) =>
      log(
        `[graphql] the API handler threw on ${event.info.parentTypeName}.${event.info.fieldName}: ${(err as Error).stack ?? String(err)}`,
      ),
  });
  const leave = [
    events.onDeviceChanged((id) => callAsBackend(engine, 'notifyDeviceConfigChanged', id)),
    events.onAlertChanged((id) => callAsBackend(engine, 'notifyAlertChanged', id)),
  ];
  return {
    handle: {
      deps,
      engine,
      outbox,
      outboxDir: outboxDir.path,
      exportDownloads: exportDownloadRoute({ dir: exportsDir.path, secret: exportSecret }),
    },
    stop: async () => {
      for (const stopListening of leave) stopListening();
      iotData.destroy();
      await outboxDir.remove();
      await exportsDir.remove();
    },
  };
}

/** In AWS the processor calls the @aws_iam mutation with SigV4; here it runs in-process as the backend. */
async function callAsBackend(engine: Engine, mutation: string, id: string): Promise<void> {
  const result = await engine.callAsBackend(mutation, { id });
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
}

/** Every profile, page by page: the outbox names the opted-in recipients of each notification. */
async function allProfiles(store: DynamoUserStore): Promise<User[]> {
  const all: User[] = [];
  let token: string | null | undefined;
  do {
    const page = await store.list(100, token);
    all.push(...page.items);
    token = page.nextToken;
  } while (token);
  return all;
}
