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
import { DynamoRejectedStore, RejectedMessageService } from '../../core/rejected';
// Deep imports keep the other adapters (DuckDB, the SigV4 notifier) out of the Lambda bundle.
import { createIngestionPipeline } from '../../core/ingestion/pipeline';
import { createQualityAssessor } from '../../core/quality/assessor';
import { DynamoCalibrationLog } from '../../core/quality/dynamodb-calibration-log';
import { QualityService } from '../../core/quality/service';
import type { ChangeNotifier } from '../../core/ingestion/ports';
import type { TelemetryStore } from '../../core/telemetry/port';
import { TelemetryService } from '../../core/telemetry/service';
import { TimestreamTelemetryStore } from '../../core/telemetry/timestream/store';
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
  /** The telemetry store; when absent, Timestream is built from the clients and names below. */
  telemetryStore?: TelemetryStore;
  timestreamQuery?: TimestreamQueryClient;
  /** Replaying a rejected reading writes it; create the client with `maxAttempts: 1` (the writer retries). */
  timestreamWrite?: TimestreamWriteClient;
  timestreamDatabase?: string;
  timestreamTable?: string;
  memoryStoreRetentionMs?: number;
  /**
   * Tells subscribers that a replayed acknowledgement changed a device. The
   * local mode passes its in-process notifier. In AWS none is passed: the
   * replay answers with the outcome and the dashboard reads the device again;
   * live acks from devices reach subscribers through the processor.
   */
  changeNotifier?: ChangeNotifier;
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
  const users = new UserService({ store: profiles, ...(clock ? { clock } : {}) });
  const accounts = new AccountService({
    directory: new CognitoAccountDirectory({ client: clients.cognito, userPoolId: clients.userPoolId }),
    profiles,
    ...(clock ? { clock } : {}),
    ...(clients.logger ? { logger: clients.logger } : {}),
  });

  const telemetryStore = clients.telemetryStore ?? timestreamStoreOf(clients);
  const telemetry = new TelemetryService({
    store: telemetryStore,
    sensors: { sensorsOf: async (id) => (await store.get(id))?.sensors.map((s) => s.id) },
  });
  // A replay runs the processor's own pipeline, reading devices straight from
  // the table (no cache: one message, and it must see the latest calibration).
  const pipeline = createIngestionPipeline({
    devices: store,
    telemetry: telemetryStore,
    acks: devices,
    notifier: clients.changeNotifier ?? { deviceChanged: async () => undefined },
    lastSeen: store,
    // A replayed reading gets the flags a reading without neighbours can get (gross range, climatology).
    quality: createQualityAssessor(),
    ...(clock ? { clock: () => clock().getTime() } : {}),
    ...(clients.logger ? { logger: clients.logger } : {}),
  });
  const rejected = new RejectedMessageService({
    store: new DynamoRejectedStore({ client: documents, tableName: clients.tableName }),
    pipeline,
    ...(clock ? { clock } : {}),
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
    rejected,
    quality,
    ...(clients.logger ? { logger: clients.logger } : {}),
  };
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
    ...(clients.memoryStoreRetentionMs ? { memoryStoreRetentionMs: clients.memoryStoreRetentionMs } : {}),
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
