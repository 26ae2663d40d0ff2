import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  DeviceService,
  DynamoDeviceStore,
  IotConfigPublisher,
  type ConfigPublisher,
} from '../../core/devices';
import { AccountService, CognitoAccountDirectory } from '../../core/accounts';
import { UserService, DynamoUserStore } from '../../core/users';
import { AlertService } from '../../core/alerts/alert-service';
import { DynamoAlertStore } from '../../core/alerts/dynamodb-alert-store';
import type { AlertPublisher, NotificationSender } from '../../core/alerts/notifier';
import { withSubscriptions, type SubscriptionManager } from '../../core/users/subscription-manager';
// Deep imports keep the other adapters (DuckDB, the SigV4 notifier) out of the Lambda bundle.
import { buildIngestion } from '../../core/ingestion/build-ingestion';
import { DynamoCalibrationLog } from '../../core/quality/dynamodb-calibration-log';
import { QualityService } from '../../core/quality/service';
import type { ChangeNotifier } from '../../core/ingestion/ports';
import type { TelemetryStore } from '../../core/telemetry/port';
import { TelemetryService } from '../../core/telemetry/service';
import { TimestreamTelemetryStore } from '../../core/telemetry/timestream/store';
import { DynamoDbTelemetryStore } from '../../core/telemetry/dynamodb/store';
import { ExportService } from '../../core/telemetry/export/service';
import type { ExportSink } from '../../core/telemetry/export/sink';
import { ServiceUnavailableError } from '../../core/shared/errors';
import type { ApiDeps } from './app';

/**
 * The SDK clients and names the API's services are built from. The Lambda
 * passes AWS clients; the local mode passes clients pointed at its embedded
 * parts (and its DuckDB telemetry store).
 */
export interface ApiClients {
  dynamo: DynamoDBClient;
  tableName: string;
  iotData: IoTDataPlaneClient;
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  /**
   * The telemetry store; when absent, it is built from the names below: the
   * DynamoDB store when `telemetryTableName` is given, else Timestream.
   */
  telemetryStore?: TelemetryStore;
  /** The DynamoDB telemetry table (`--context telemetry=dynamodb`); on the `dynamo` client. */
  telemetryTableName?: string;
  telemetryRetentionDays?: number;
  telemetryBackfillDays?: number;
  /** Where `exportReadings` puts its files (S3 in AWS, a folder locally); without it the field answers ServiceUnavailable. */
  exportSink?: ExportSink;
  timestreamQuery?: TimestreamQueryClient;
  /** Replaying a rejected reading writes it; create the client with `maxAttempts: 1` (the writer retries). */
  timestreamWrite?: TimestreamWriteClient;
  timestreamDatabase?: string;
  timestreamTable?: string;
  /** The table's magnetic store retention in days: the oldest time a replayed reading may carry. */
  magneticStoreRetentionDays?: number;
  /**
   * Tells subscribers that a replayed acknowledgement changed a device. The
   * local mode passes its in-process notifier. In AWS none is passed: the
   * replay answers with the outcome and the dashboard reads the device again;
   * live acks from devices reach subscribers through the processor.
   */
  changeNotifier?: ChangeNotifier;
  /** Fires onAlertChanged for alerts the API's schedule opens (silence): SigV4 in AWS, in-process locally. */
  alertPublisher?: AlertPublisher;
  /** Tells opted-in people of alert changes: SNS in AWS, the outbox locally. */
  notificationSender?: NotificationSender;
  /** Keeps the alert topic's subscriptions in step with profiles (SNS in AWS). */
  subscriptionManager?: SubscriptionManager;
  /** Replaces the IoT publisher (tests inject failures; the local mode may publish in-process). */
  configPublisher?: ConfigPublisher;
  clock?: () => Date;
  logger?: Logger;
}

/** Wires services to ports to clients; nothing here reads the environment. */
export function buildApiDeps(clients: ApiClients): ApiDeps {
  const documents = documentClientOf(clients.dynamo);
  const clock = clients.clock;
  const store = new DynamoDeviceStore({ client: documents, tableName: clients.tableName });
  const publisher = clients.configPublisher ?? new IotConfigPublisher({ client: clients.iotData });
  const calibrationLog = new DynamoCalibrationLog({ client: documents, tableName: clients.tableName });
  const devices = new DeviceService({
    store,
    publisher,
    calibrationLog,
    ...(clock ? { clock } : {}),
    ...(clients.logger ? { logger: clients.logger } : {}),
  });

  const profiles = new DynamoUserStore({ client: documents, tableName: clients.tableName });
  const users = new UserService({
    store: profiles,
    ...(clock ? { clock } : {}),
    ...(clients.subscriptionManager ? { subscriptions: clients.subscriptionManager } : {}),
  });
  const alerts = new AlertService({
    store: new DynamoAlertStore({ client: documents, tableName: clients.tableName }),
    ...(clients.alertPublisher ? { publisher: clients.alertPublisher } : {}),
    ...(clients.notificationSender ? { sender: clients.notificationSender } : {}),
    deviceName: async (id) => (await store.get(id))?.name,
    ...(clock ? { clock: () => clock().getTime() } : {}),
    ...(clients.logger ? { logger: clients.logger } : {}),
  });
  const accounts = new AccountService({
    directory: new CognitoAccountDirectory({ client: clients.cognito, userPoolId: clients.userPoolId }),
    profiles: clients.subscriptionManager
      ? withSubscriptions(profiles, clients.subscriptionManager)
      : profiles,
    ...(clock ? { clock } : {}),
    ...(clients.logger ? { logger: clients.logger } : {}),
  });

  const telemetryStore = clients.telemetryStore ?? telemetryStoreOf(clients);
  const sensors = { sensorsOf: async (id: string) => (await store.get(id))?.sensors.map((s) => s.id) };
  const telemetry = new TelemetryService({ store: telemetryStore, sensors });
  const exports = new ExportService({
    store: telemetryStore,
    sink: clients.exportSink ?? UNCONFIGURED_EXPORTS,
    sensors,
    ...(clock ? { clock: () => clock().getTime() } : {}),
  });
  // A replay runs the processor's own pipeline, reading devices straight from
  // the table (no cache: one message, and it must see the latest calibration).
  // Its QARTOD assessor gives a replayed reading the flags a reading without
  // neighbours can get (gross range, climatology).
  const { rejected } = buildIngestion({
    documents,
    tableName: clients.tableName,
    alerts,
    telemetry: telemetryStore,
    acks: devices,
    deviceStore: store,
    ...(clients.changeNotifier ? { notifier: clients.changeNotifier } : {}),
    ...(clock ? { clock } : {}),
    ...(clients.logger ? { logger: clients.logger } : {}),
  });

  const quality = new QualityService({
    log: calibrationLog,
    devices: store,
    telemetry: telemetryStore,
    ...(clock ? { clock: () => clock().getTime() } : {}),
  });

  return {
    devices,
    users,
    accounts,
    telemetry,
    exports,
    rejected,
    alerts,
    quality,
    ...(clients.logger ? { logger: clients.logger } : {}),
  };
}

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

function telemetryStoreOf(clients: ApiClients): TelemetryStore {
  if (clients.telemetryTableName) {
    return new DynamoDbTelemetryStore({
      client: clients.dynamo,
      tableName: clients.telemetryTableName,
      ...(clients.telemetryRetentionDays ? { retentionDays: clients.telemetryRetentionDays } : {}),
      ...(clients.telemetryBackfillDays ? { backfillDays: clients.telemetryBackfillDays } : {}),
    });
  }
  return timestreamStoreOf(clients);
}

function timestreamStoreOf(clients: ApiClients): TelemetryStore {
  const { timestreamDatabase, timestreamTable } = clients;
  if (!timestreamDatabase || !timestreamTable) {
    throw new Error('buildApiDeps needs either telemetryStore or timestreamDatabase and timestreamTable.');
  }
  return new TimestreamTelemetryStore({
    database: timestreamDatabase,
    table: timestreamTable,
    ...(clients.timestreamQuery ? { queryClient: clients.timestreamQuery } : {}),
    ...(clients.timestreamWrite ? { writeClient: clients.timestreamWrite } : {}),
    ...(clients.magneticStoreRetentionDays
      ? { magneticStoreRetentionDays: clients.magneticStoreRetentionDays }
      : {}),
  });
}

/**
 * One document client per DynamoDB client. It shares the client's middleware
 * stack, so request-counting middleware added to the raw client sees it too.
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
