import { join } from 'node:path';
import { AlertService, DynamoAlertStore } from '../../core/alerts';
import type { NotificationSender } from '../../core/alerts/notifier';
import { ACK_TOPIC_FILTER, READING_TOPIC_FILTERS, type InboundMessage } from '../../core/ingestion';
import { buildIngestion } from '../../core/ingestion/build-ingestion';
import { deviceIdHint } from '../../core/ingestion/topics';
import type { AckRecorder } from '../../core/ingestion/ports';
import type { DynamoDeviceStore } from '../../core/devices/dynamodb-device-store';
import { toRejectedMessage } from '../../core/rejected';
import type { TelemetryStore } from '../../core/telemetry';
import { DeviceCache } from '../../processors/calibration/device-cache';
import { documentClientOf } from '../../resolvers/api/deps';
import { LOCAL_DEFAULTS, type LocalConfig } from '../config';
import type { EmbeddedDynamo } from '../embedded/dynamodb';
import type { EmbeddedMqtt } from '../embedded/mqtt';
import { startLocalProcessor, type LocalProcessor } from '../processor/local-processor';
import type { BackendEvents } from './backend-events';
import type { Part } from './parts';

export interface LocalIngestion {
  /** The readings and the ack processors seen as one. */
  processor: LocalProcessor;
  /** The device table's store (the retained config is rebuilt from it at start). */
  deviceStore: DynamoDeviceStore;
}

/**
 * The calibration processor: its parts built as the calibration Lambda
 * builds them (the same device cache per process), fed from the broker by
 * two local processors, one for readings (batched) and one for acks (no
 * batching window, as their own queue and event source in AWS).
 */
export async function startProcessor(options: {
  dataDir: string | undefined;
  log: (line: string) => void;
  mqtt: EmbeddedMqtt;
  dynamo: EmbeddedDynamo;
  tableName: string;
  telemetry: TelemetryStore;
  /** Records config acks: the API's DeviceService. */
  acks: AckRecorder;
  events: BackendEvents;
  /** Where the processor's alert notifications go (the outbox). */
  sender: NotificationSender;
  batch: Partial<LocalConfig['batch']> | undefined;
  inboxCompactAfterBytes: number | undefined;
}): Promise<Part<LocalIngestion>> {
  const { dataDir, log } = options;
  const documents = documentClientOf(options.dynamo.client);
  const alerts = new AlertService({
    store: new DynamoAlertStore({ client: documents, tableName: options.tableName }),
    publisher: options.events.alertPublisher,
    sender: options.sender,
    logger: {
      warn: (message) => log(`[alerts] ${message}`),
      error: (message, extra) =>
        log(`[alerts] ${message} ${String((extra as { error?: unknown })?.error ?? '')}`),
    },
  });
  const { pipeline, rejected, rejectedStore, deviceStore } = buildIngestion({
    documents,
    tableName: options.tableName,
    alerts,
    telemetry: options.telemetry,
    acks: options.acks,
    notifier: options.events.changeNotifier,
    cacheDevices: (table) => new DeviceCache({ source: table }),
    logger: { warn: (message) => log(`[processor] ${message}`) },
  });
  const shared = {
    mqtt: options.mqtt,
    pipeline,
    rejected,
    keepDeadLetter: (message: InboundMessage, reason: string) =>
      rejectedStore.put(toRejectedMessage(message, deviceIdHint(message.topic), reason)),
    log,
  };
  const readings = await startLocalProcessor({
    ...shared,
    topics: READING_TOPIC_FILTERS,
    ...(dataDir ? { inboxDir: join(dataDir, 'inbox') } : {}),
    ...(options.inboxCompactAfterBytes ? { inboxCompactAfterBytes: options.inboxCompactAfterBytes } : {}),
    maxBatchSize: options.batch?.size ?? LOCAL_DEFAULTS.batchSize,
    windowMs: options.batch?.windowMs ?? LOCAL_DEFAULTS.batchWindowMs,
  });
  // Acks on their own path with no batching window, as their own queue and event source in AWS.
  const acks = await startLocalProcessor({
    ...shared,
    topics: [ACK_TOPIC_FILTER],
    ...(dataDir ? { inboxDir: join(dataDir, 'inbox-acks') } : {}),
    maxBatchSize: 10,
    windowMs: 0,
  }).catch(async (err: unknown) => {
    await readings.stop();
    throw err;
  });
  const processor = bothProcessors(readings, acks);
  return { handle: { processor, deviceStore }, stop: () => processor.stop() };
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
