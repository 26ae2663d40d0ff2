import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
// Deep imports: the devices index also exports the IoT publisher, which the Lambda loads on first use.
import { DeviceService } from '../../core/devices/device-service';
import { DynamoDeviceStore } from '../../core/devices/dynamodb-device-store';
import type { ConfigPublisher } from '../../core/devices/config-publisher';
import { AccountService } from '../../core/accounts/account-service';
import type { AccountDirectory } from '../../core/accounts/account-directory';
import { UserService, DynamoUserStore } from '../../core/users';
import { AlertService } from '../../core/alerts/alert-service';
import { DynamoAlertStore } from '../../core/alerts/dynamodb-alert-store';
import type { AlertPublisher, NotificationSender } from '../../core/alerts/notifier';
import { withSubscriptions, type SubscriptionManager } from '../../core/users/subscription-manager';
// Deep imports keep the other adapters (DuckDB, the SigV4 notifier) out of the Lambda bundle.
import type { IngestionPipeline } from '../../core/ingestion/pipeline';
import { DynamoRejectedStore } from '../../core/rejected/dynamo-store';
import { RejectedMessageService } from '../../core/rejected/service';
import { DynamoCalibrationLog } from '../../core/quality/dynamodb-calibration-log';
import { QualityService } from '../../core/quality/service';
import type { ChangeNotifier } from '../../core/ingestion/ports';
import type { TelemetryStore } from '../../core/telemetry/port';
import { TelemetryService } from '../../core/telemetry/service';
import { ExportService } from '../../core/telemetry/export/service';
import type { ExportSink } from '../../core/telemetry/export/sink';
import { ServiceUnavailableError } from '../../core/shared/errors';
import type { ApiDeps } from './app';
import { loadedOnFirstCall } from './on-first-call';

/** The API's domain areas; each can be built alone (tests build the ones they drive). */
export const API_AREAS = [
  'devices',
  'users',
  'accounts',
  'telemetry',
  'alerts',
  'quality',
  'rejected',
] as const;
export type ApiArea = (typeof API_AREAS)[number];

/**
 * The SDK clients and names the API's services are built from. The Lambda
 * passes AWS clients; the local mode passes clients pointed at its embedded
 * parts (and its DuckDB telemetry store). Every area reads the one DynamoDB
 * table; each client below is needed only by the areas named beside it.
 */
export interface ApiClients {
  dynamo: DynamoDBClient;
  tableName: string;
  /**
   * accounts: the user pool's accounts (a CognitoAccountDirectory; the Lambda
   * builds it on first use, so its Cognito client stays out of the cold start).
   */
  accountDirectory?: AccountDirectory;
  /**
   * telemetry, quality, rejected: the telemetry store. The Lambda passes the
   * one its stack was deployed with (resolvers/api/telemetry-stores/), the
   * local mode DuckDB or DynamoDB on dynalite. A replayed reading is written to
   * it, so it must accept writes no older than its `oldestWritable`.
   */
  telemetryStore?: TelemetryStore;
  /** Where `exportReadings` puts its files (S3 in AWS, a folder locally); without it the field answers ServiceUnavailable. */
  exportSink?: ExportSink;
  /**
   * rejected: tells subscribers that a replayed acknowledgement changed a
   * device. The local mode passes its in-process notifier. In AWS none is
   * passed: the replay answers with the outcome and the dashboard reads the
   * device again; live acks from devices reach subscribers through the processor.
   */
  changeNotifier?: ChangeNotifier;
  /** alerts: fires onAlertChanged for alerts the API's schedule opens (silence): SigV4 in AWS, in-process locally. */
  alertPublisher?: AlertPublisher;
  /** alerts: tells opted-in people of alert changes: SNS in AWS, the outbox locally. */
  notificationSender?: NotificationSender;
  /** users, accounts: keeps the alert topic's subscriptions in step with profiles (SNS in AWS). */
  subscriptionManager?: SubscriptionManager;
  /**
   * devices: publishes device config. An IotConfigPublisher on IoT Core's data
   * plane (the Lambda loads it on the first publish; the local mode points it
   * at the embedded broker); tests pass fakes that fail on demand.
   */
  configPublisher?: ConfigPublisher;
  clock?: () => Date;
  logger?: Logger;
}

/** The services of the areas asked for (the telemetry area brings `exports` with it). */
export type AreaDeps<A extends ApiArea> = Pick<
  Required<ApiDeps>,
  A | (A extends 'telemetry' ? 'exports' : never)
> &
  Pick<ApiDeps, 'logger'>;

/** A client an asked-for area needs was not given. */
export class MissingClientError extends Error {
  override readonly name = 'MissingClientError';
}

/**
 * Wires services to ports to clients for the areas asked for (all of them by
 * default, as the Lambda and the local mode use it); nothing here reads the
 * environment. An area builds only the clients it uses, so a test of one area
 * needs no clients of the others.
 */
export function buildApiDeps<A extends ApiArea = ApiArea>(
  clients: ApiClients,
  areas: readonly A[] = API_AREAS as readonly ApiArea[] as readonly A[],
): AreaDeps<A> {
  const documents = documentClientOf(clients.dynamo);
  const { clock, logger, tableName } = clients;
  const withClock = clock ? { clock } : {};
  const withMsClock = clock ? { clock: () => clock().getTime() } : {};
  const withLogger = logger ? { logger } : {};
  // Each part is built once, on first use, by whichever area needs it first.
  const once = <T>(build: () => T): (() => T) => {
    let built: { value: T } | undefined;
    return () => (built ??= { value: build() }).value;
  };

  const store = once(() => new DynamoDeviceStore({ client: documents, tableName }));
  const calibrationLog = once(() => new DynamoCalibrationLog({ client: documents, tableName }));
  const devices = once(
    () =>
      new DeviceService({
        store: store(),
        publisher: need(clients, 'configPublisher', 'devices'),
        calibrationLog: calibrationLog(),
        ...withClock,
        ...withLogger,
      }),
  );
  const profiles = once(() => new DynamoUserStore({ client: documents, tableName }));
  const alerts = once(
    () =>
      new AlertService({
        store: new DynamoAlertStore({ client: documents, tableName }),
        ...(clients.alertPublisher ? { publisher: clients.alertPublisher } : {}),
        ...(clients.notificationSender ? { sender: clients.notificationSender } : {}),
        deviceName: async (id) => (await store().get(id))?.name,
        ...withMsClock,
        ...withLogger,
      }),
  );
  const telemetryStore = (area: ApiArea) => need(clients, 'telemetryStore', area);
  const sensors = { sensorsOf: async (id: string) => (await store().get(id))?.sensors.map((s) => s.id) };

  const build: { [K in ApiArea]: () => Partial<ApiDeps> } = {
    devices: () => ({ devices: devices() }),
    users: () => ({
      users: new UserService({
        store: profiles(),
        ...withClock,
        ...(clients.subscriptionManager ? { subscriptions: clients.subscriptionManager } : {}),
      }),
    }),
    accounts: () => ({
      accounts: new AccountService({
        directory: need(clients, 'accountDirectory', 'accounts'),
        profiles: clients.subscriptionManager
          ? withSubscriptions(profiles(), clients.subscriptionManager)
          : profiles(),
        ...withClock,
        ...withLogger,
      }),
    }),
    telemetry: () => ({
      telemetry: new TelemetryService({ store: telemetryStore('telemetry'), sensors }),
      exports: new ExportService({
        store: telemetryStore('telemetry'),
        sink: clients.exportSink ?? UNCONFIGURED_EXPORTS,
        sensors,
        ...withMsClock,
      }),
    }),
    alerts: () => ({ alerts: alerts() }),
    quality: () => ({
      quality: new QualityService({
        log: calibrationLog(),
        devices: store(),
        telemetry: telemetryStore('quality'),
        ...withMsClock,
      }),
    }),
    // A replay runs the processor's own pipeline, reading devices straight from
    // the table (no cache: one message, and it must see the latest calibration).
    // Its QARTOD assessor gives a replayed reading the flags a reading without
    // neighbours can get (gross range, climatology). A replayed ack is recorded
    // by a device service; it never publishes, so without the devices area its
    // publisher refuses, as the processor's does.
    rejected: () => {
      const telemetry = telemetryStore('rejected');
      return {
        rejected: new RejectedMessageService({
          store: new DynamoRejectedStore({ client: documents, tableName }),
          // Imported on the first replay (few requests replay): the processor's whole pipeline,
          // built by buildIngestion as the processor builds it. Unlike the pipeline, which never
          // throws, a failed import throws (ModuleLoadError): the replay answers InternalError.
          pipeline: loadedOnFirstCall<Pick<IngestionPipeline, 'process'>>(
            "The replay's ingestion pipeline",
            async () =>
              (await import('../../core/ingestion/build-ingestion')).buildIngestion({
                documents,
                tableName,
                alerts: alerts(),
                telemetry,
                acks: areas.includes('devices' as A)
                  ? devices()
                  : new DeviceService({
                      store: store(),
                      publisher: REPLAY_PUBLISHER,
                      ...withClock,
                      ...withLogger,
                    }),
                deviceStore: store(),
                ...(clients.changeNotifier ? { notifier: clients.changeNotifier } : {}),
                ...withClock,
                ...withLogger,
              }).pipeline,
            { process: true },
          ),
          ...withClock,
        }),
      };
    },
  };

  return Object.assign({}, ...areas.map((area) => build[area]()), withLogger) as AreaDeps<A>;
}

/** The client `key` of `clients`, or a MissingClientError naming the area that needs it. */
function need<K extends keyof ApiClients>(
  clients: ApiClients,
  key: K,
  area: ApiArea,
): NonNullable<ApiClients[K]> {
  const value = clients[key];
  if (value === undefined || value === null || value === '') {
    throw new MissingClientError(`buildApiDeps: the ${area} area needs ${String(key)}.`);
  }
  return value as NonNullable<ApiClients[K]>;
}

/** The replay records acks and never publishes config; the devices area publishes. */
const REPLAY_PUBLISHER: ConfigPublisher = {
  publish: () => Promise.reject(new Error('the replay of a rejected message does not publish device config')),
};

/** A deployment without an export bucket says so instead of failing obscurely. */
const UNCONFIGURED_EXPORTS: ExportSink = {
  put: () =>
    Promise.reject(
      new ServiceUnavailableError('Exports are not set up on this deployment (no export bucket).'),
    ),
  link: () =>
    Promise.reject(
      new ServiceUnavailableError('Exports are not set up on this deployment (no export bucket).'),
    ),
};

/**
 * One document client per DynamoDB client. It shares the client's middleware
 * stack, so request-counting middleware added to the raw client sees it too.
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
