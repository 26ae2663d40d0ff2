import { Logger } from '@aws-lambda-powertools/logger';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoAccountDirectory } from '../../core/accounts';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DeviceService, DynamoDeviceStore, type ConfigPublisher } from '../../core/devices';
import { createIngestionPipeline, type InboundMessage } from '../../core/ingestion';
import { DynamoRejectedStore, RejectedMessageService } from '../../core/rejected';
import { rejectedMessageId } from '../../core/rejected/payload';
import type { TelemetryStore } from '../../core/telemetry';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig, type EmbeddedDynamo } from '../../local/embedded/dynamodb';
import { createSqsBatchHandler } from '../../processors/calibration/batch';
import { DeviceCache } from '../../processors/calibration/device-cache';
import { createApi, type Api } from '../../resolvers/api/app';
import { buildApiDeps, documentClientOf } from '../../resolvers/api/deps';
import { FakePublisher } from './devices-harness';
import type { SensorInput } from '../../core/generated/graphql';
import { sensorInput } from '../../testkit/device-inputs';
import { FakeNotifier, sqsEvent, sqsRecord } from '../../testkit/telemetry-fixtures';

/** Silent: the code under test logs every injected fault by design; a failing test still shows its diff. */
export const silentLogger = () => new Logger({ serviceName: 'reliability-test', logLevel: 'SILENT' });

/** Two calibrated sensors: ph (raw 0..10 -> 0..14) and tmp (raw 0..1 -> -10..40). */
export const TWO_SENSORS = [
  sensorInput(
    'ph',
    [
      [0, 0],
      [10, 14],
    ],
    { unit: 'pH' },
  ),
  sensorInput(
    'tmp',
    [
      [0, -10],
      [1, 40],
    ],
    { unit: 'C' },
  ),
];

/** A telemetry sink that takes every record and keeps none, for wiring that only creates devices or records acks. */
export const DISCARD_TELEMETRY: Pick<TelemetryStore, 'write' | 'oldestWritable'> = {
  write: async () => ({ failures: [] }),
  oldestWritable: () => 0,
};

/** A table and the client that reaches it. */
export type TableOn = Pick<EmbeddedDynamo, 'client' | 'tableName'>;

/**
 * A second real DynamoDB client on the embedded table, for faults to be
 * injected into without touching the harness's own client. Two attempts: the
 * SDK's retry path (with its throttling backoff) runs, but an outage that
 * outlasts it costs one backoff per request, not three.
 */
export function faultableTable(dynamo: EmbeddedDynamo): TableOn {
  return {
    tableName: dynamo.tableName,
    client: new DynamoDBClient({
      ...localClientConfig(dynamo.endpoint, 'local', dynamo.credentials),
      maxAttempts: 2,
    }),
  };
}

export interface ProcessorUnderTest {
  devices: DeviceService;
  store: DynamoDeviceStore;
  rejected: RejectedMessageService;
  notifier: FakeNotifier;
  cache: DeviceCache;
  handle: (event: SQSEvent) => Promise<SQSBatchResponse>;
}

/**
 * The calibration processor wired as processors/calibration/handler.ts wires
 * it (device cache, device service for acks, rejected messages in the table,
 * the SQS batch handler), on the given table and telemetry store.
 */
export function wireProcessor(
  dynamo: TableOn,
  telemetry: Pick<TelemetryStore, 'write' | 'oldestWritable'>,
  options: { publisher?: ConfigPublisher; clock?: () => number } = {},
): ProcessorUnderTest {
  const documents = documentClientOf(dynamo.client);
  const logger = silentLogger();
  const store = new DynamoDeviceStore({ client: documents, tableName: dynamo.tableName });
  const devices = new DeviceService({ store, publisher: options.publisher ?? new FakePublisher(), logger });
  const notifier = new FakeNotifier();
  const cache = new DeviceCache({ source: store });
  const pipeline = createIngestionPipeline({
    devices: cache,
    telemetry,
    acks: devices,
    notifier,
    lastSeen: store,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const rejected = new RejectedMessageService({
    store: new DynamoRejectedStore({ client: documents, tableName: dynamo.tableName }),
    pipeline,
  });
  return {
    devices,
    store,
    rejected,
    notifier,
    cache,
    handle: createSqsBatchHandler({ pipeline, rejected, logger }),
  };
}

/** Creates the devices (TWO_SENSORS unless given) through the device service on the table. */
export async function createDevices(
  dynamo: TableOn,
  ids: readonly string[],
  sensors: readonly SensorInput[] = TWO_SENSORS,
): Promise<void> {
  const { devices } = wireProcessor(dynamo, DISCARD_TELEMETRY);
  for (const id of ids) await devices.createDevice({ id, name: id, sensors: [...sensors] }, 'test');
}

/** The whole API (buildApiDeps + createApi) on the given table and telemetry store, with a given publisher. */
export function wireApi(
  dynamo: TableOn,
  telemetryStore: TelemetryStore,
  publisher: ConfigPublisher,
): { api: Api; devices: DeviceService; stop(): void } {
  // Not reached by these tests; the full wiring needs an account directory.
  const cognito = new CognitoIdentityProviderClient({ endpoint: 'http://127.0.0.1:9', region: 'local' });
  const deps = buildApiDeps({
    dynamo: dynamo.client,
    tableName: dynamo.tableName,
    accountDirectory: new CognitoAccountDirectory({ client: cognito, userPoolId: 'local_unused' }),
    telemetryStore,
    configPublisher: publisher,
    logger: silentLogger(),
  });
  return {
    api: createApi(deps),
    devices: deps.devices,
    stop() {
      cognito.destroy();
    },
  };
}

/** Messages with their SQS message ids, so every one can be accounted for. */
export interface Delivery {
  id: string;
  message: InboundMessage;
}

export const eventOf = (deliveries: readonly Delivery[]): SQSEvent =>
  sqsEvent(deliveries.map((d) => sqsRecord(d.message, d.id)));

export const failedIds = (response: SQSBatchResponse): string[] =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

/**
 * Runs deliveries through the handler the way SQS does: what the response
 * names comes back in the next receive, until none fails or `maxReceives`
 * (the redrive policy) is reached. Returns each round's failures and what is
 * left (what would go to the DLQ).
 */
export async function deliverUntilSettled(
  handle: (event: SQSEvent) => Promise<SQSBatchResponse>,
  deliveries: readonly Delivery[],
  maxReceives = 10,
): Promise<{ rounds: string[][]; left: Delivery[] }> {
  let pending = [...deliveries];
  const rounds: string[][] = [];
  for (let receive = 0; receive < maxReceives && pending.length > 0; receive++) {
    const failed = new Set(failedIds(await handle(eventOf(pending))));
    rounds.push([...failed].sort());
    pending = pending.filter((d) => failed.has(d.id));
  }
  return { rounds, left: pending };
}

/** The id a message's rejection is kept under (the same for every redelivery). */
export const rejectedIdOf = (d: Delivery): string => rejectedMessageId(d.message);
