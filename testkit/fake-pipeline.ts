import {
  createIngestionPipeline,
  type DeviceLookup,
  type IngestionDeps,
  type IngestionDevice,
} from '../core/ingestion';
import {
  FakeAcks,
  FakeDevices,
  FakeLastSeen,
  FakeNotifier,
  MemoryTelemetry,
  NOW,
} from './telemetry-fixtures';

/** A device store fake holding exactly `devices`, by id. */
export const devicesOf = (...devices: IngestionDevice[]): FakeDevices =>
  new FakeDevices(new Map(devices.map((d) => [d.id, d])));

/** What {@link fakePipeline} is built from; every part not given is a fake that works. */
export interface FakePipelineOptions<T extends IngestionDeps['telemetry']> extends Pick<
  IngestionDeps,
  'alerts' | 'quality' | 'clock' | 'logger'
> {
  /** The devices the acks and lookups see (default: b1 with ten sensors). */
  devices?: FakeDevices;
  /** What the pipeline looks devices up in, such as a cache in front of `devices` (default: `devices`). */
  lookup?: DeviceLookup;
  /** Where records go (default: a MemoryTelemetry). */
  telemetry?: T;
  /** Recording an ack throws this. */
  ackFailure?: unknown;
  /** Notifying subscribers of a device change throws. */
  notifierFails?: boolean;
}

/**
 * The ingestion pipeline on fakes (devices, acks, notifier, last-seen and,
 * unless given, telemetry) with the clock at NOW, and the fakes to look into.
 * The one place the tests and benchmarks wire a pipeline, so a new dependency
 * of the pipeline is added here once.
 */
export function fakePipeline<T extends IngestionDeps['telemetry'] = MemoryTelemetry>(
  options: FakePipelineOptions<T> = {},
) {
  const { devices = new FakeDevices(), lookup, ackFailure, notifierFails, ...rest } = options;
  const telemetry = options.telemetry ?? (new MemoryTelemetry() as unknown as T);
  const acks = new FakeAcks(devices, ackFailure);
  const notifier = new FakeNotifier(notifierFails);
  const lastSeen = new FakeLastSeen();
  const pipeline = createIngestionPipeline({
    ...rest,
    clock: rest.clock ?? (() => NOW),
    devices: lookup ?? devices,
    telemetry,
    acks,
    notifier,
    lastSeen,
  });
  return { pipeline, devices, telemetry, acks, notifier, lastSeen };
}
