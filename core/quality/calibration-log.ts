import type { CalibrationLogEntry } from '../generated/graphql';
import type { Page } from '../shared/pagination';

/**
 * The calibration log port: calibration changes, maintenance notes and
 * recalibration runs of a device, newest first. The DynamoDB adapter keeps
 * them as items of their own in the data table (docs/ARCHITECTURE.md).
 */
export interface CalibrationLogStore {
  /** Idempotent on `entry.id` for the same content. */
  append(entry: CalibrationLogEntry): Promise<void>;
  /** Newest first; one Query per page (by device, or by device and sensor). */
  list(
    deviceId: string,
    sensorId: string | null,
    limit: number,
    nextToken?: string | null,
  ): Promise<Page<CalibrationLogEntry>>;
}

export type { CalibrationLogEntry };
