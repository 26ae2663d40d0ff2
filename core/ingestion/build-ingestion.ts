import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// Deep imports: the API bundle takes this file and must not pull in the other adapters.
import { DynamoDeviceStore } from '../devices/dynamodb-device-store';
import { createQualityAssessor, type QualityAssessor } from '../quality/assessor';
import { DynamoRejectedStore } from '../rejected/dynamo-store';
import { RejectedMessageService } from '../rejected/service';
import type { TelemetryStore } from '../telemetry/port';
import { createIngestionPipeline, type IngestionPipeline, type PipelineLogger } from './pipeline';
import type { AckRecorder, AlertEvaluator, ChangeNotifier, DeviceLookup } from './ports';

export interface IngestionPartsOptions {
  documents: DynamoDBDocumentClient;
  tableName: string;
  telemetry: Pick<TelemetryStore, 'write' | 'oldestWritable'>;
  /** Records config acks (the DeviceService). */
  acks: AckRecorder;
  /** Tells subscribers of a device change; none = nobody is told (the API's replay in AWS). */
  notifier?: ChangeNotifier;
  /** The device table's store, when the caller has one already. */
  deviceStore?: DynamoDeviceStore;
  /**
   * Wraps the table's lookups for the pipeline: the processor's per-container cache.
   * Omitted = every lookup reads the table (a replay must see the latest calibration).
   */
  cacheDevices?: (table: DeviceLookup) => DeviceLookup;
  /** Threshold and silence alerts, evaluated after calibration (core/alerts); omitted = none. */
  alerts?: AlertEvaluator;
  /**
   * QARTOD quality control run on each record after calibration. Default: a
   * fresh assessor, whose recent readings per sensor live as long as these
   * parts (per Lambda container, like the device cache; per local process).
   */
  quality?: QualityAssessor;
  clock?: () => Date;
  logger?: PipelineLogger;
}

/** The ingestion parts every entry point needs, built the one way. */
export interface IngestionParts {
  deviceStore: DynamoDeviceStore;
  /** What the pipeline looks devices up in (the cache when there is one). */
  devices: DeviceLookup;
  pipeline: IngestionPipeline;
  rejectedStore: DynamoRejectedStore;
  rejected: RejectedMessageService;
}

/**
 * Builds the ingestion pipeline (device lookups, pipeline, rejected-message
 * store and service, notifier) for the calibration Lambda, the API's replay
 * and the local mode alike, so the three cannot drift apart.
 */
export function buildIngestion(options: IngestionPartsOptions): IngestionParts {
  const { documents, tableName, clock } = options;
  const deviceStore = options.deviceStore ?? new DynamoDeviceStore({ client: documents, tableName });
  // Devices are read with their alert slots, so the rules cost no read of their own per message.
  const table: DeviceLookup = { get: (id) => deviceStore.getWithAlerts(id) };
  const devices = options.cacheDevices ? options.cacheDevices(table) : table;
  const pipeline = createIngestionPipeline({
    devices,
    telemetry: options.telemetry,
    acks: options.acks,
    notifier: options.notifier ?? { deviceChanged: async () => undefined },
    lastSeen: deviceStore,
    ...(options.alerts ? { alerts: options.alerts } : {}),
    quality: options.quality ?? createQualityAssessor(),
    ...(clock ? { clock: () => clock().getTime() } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const rejectedStore = new DynamoRejectedStore({ client: documents, tableName });
  const rejected = new RejectedMessageService({
    store: rejectedStore,
    pipeline,
    ...(clock ? { clock } : {}),
  });
  return { deviceStore, devices, pipeline, rejectedStore, rejected };
}
