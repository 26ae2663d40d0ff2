import type { AlertService } from '../alerts/alert-service';
import type { AlertSlots } from '../alerts/model';
import type { DeviceAck } from '../devices/model';
import type { Device } from '../generated/graphql';
import type { IngestionDevice } from './types';

/**
 * The ports the pipeline needs from the devices area. They are declared here,
 * small, rather than imported from core/devices, so the pipeline is tested
 * with fakes and each entry adapts the real objects (processors/calibration/
 * handler.ts, the API's wiring, the local mode).
 */
export interface DeviceLookup {
  /** The device, or undefined when there is none. Throws only when the store failed. */
  get(id: string): Promise<IngestionDevice | undefined>;
  /**
   * Tells a cache that an ack showed the device's desired configVersion is at
   * least `version`; a cache holding an older one drops it.
   */
  observeVersion?(id: string, version: number): void;
  /** Tells a cache the device as it is now (recordAck returns it). */
  remember?(device: IngestionDevice): void;
}

/**
 * Writes `lastSeenAt`; the pipeline calls it at most once per device per
 * batch. With `watch` the same write moves the device's silence deadline and
 * answers its alert slots (core/devices' DynamoDB store does both).
 */
export interface LastSeenWriter {
  touchLastSeen(
    id: string,
    atIso: string,
    watch?: { deadline: string | null },
  ): Promise<AlertSlots | undefined | void>;
}

/** The alert rules, run after calibration on what was stored (core/alerts' AlertService). */
export type AlertEvaluator = Pick<AlertService, 'evaluate' | 'silenceDeadline' | 'dataFlowing'>;

/**
 * Records a device's config acknowledgement. Throws NotFoundError for an
 * unknown device and ValidationError for a version never issued (both end as
 * rejected messages); anything else is a retryable failure.
 */
export interface AckRecorder {
  recordAck(input: DeviceAck): Promise<Device>;
}

/**
 * Tells subscribers a device changed outside a mutation. In AWS it calls the
 * `notifyDeviceConfigChanged` mutation (SigV4); locally it publishes in-process.
 */
export interface ChangeNotifier {
  deviceChanged(deviceId: string): Promise<void>;
}
