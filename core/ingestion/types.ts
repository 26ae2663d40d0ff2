import type { AlertSlots } from '../alerts/model';
import type { RuleSensor } from '../alerts/rules';
import type { Device, Sensor } from '../generated/graphql';

/**
 * One MQTT message as the pipeline receives it, whichever transport carried
 * it: the SQS body of the IoT rule in AWS, the embedded broker locally, a
 * stored rejected message on replay.
 */
export interface InboundMessage {
  topic: string;
  /** The original MQTT payload bytes. */
  payload: Uint8Array;
  /** Epoch ms at which the broker received it (the IoT rule's `timestamp()`). */
  receivedAt: number;
}

/** The parts of a sensor that calibration reads. */
export type CalibrationSensor = Pick<Sensor, 'id' | 'unit' | 'enabled' | 'min' | 'max' | 'calibration'> & {
  decimals?: Sensor['decimals'] | null;
  /** The alert rule's parts (core/alerts); absent = no threshold alerts. */
  alertsEnabled?: Sensor['alertsEnabled'] | null;
  alert?: RuleSensor['alert'];
  /** What quality control reads (core/quality): the defaults follow the measurement, overrides are in qc. */
  measurement?: Sensor['measurement'] | null;
  qc?: Sensor['qc'];
};

/** The parts of a device that the pipeline reads. */
export type IngestionDevice = Pick<Device, 'id' | 'enabled' | 'configVersion'> & {
  sensors: CalibrationSensor[];
  /** What the alert rules read besides the sensors (core/alerts); absent in tests that need none. */
  name?: string | null;
  sensorIntervalMs?: number | null;
  silenceAfterIntervals?: number | null;
  /** The rules' state, read with the device and kept current by the evaluator. */
  alertSlots?: AlertSlots;
};

/** The result of the pipeline for one message, in the order the messages were given. */
export type MessageOutcome =
  | { status: 'accepted'; message: InboundMessage; deviceId: string }
  | {
      status: 'rejected';
      message: InboundMessage;
      /** Null when the topic names no device. */
      deviceId: string | null;
      /** For a person: what was wrong and, for a partial rejection, which sensors. */
      reason: string;
      /** True when some readings of the message were stored and only the named sensors were not. */
      partial: boolean;
    }
  | {
      status: 'retry';
      message: InboundMessage;
      deviceId: string | null;
      /** Why it failed this time (a dependency throttled or unavailable). */
      reason: string;
      cause?: unknown;
    };
