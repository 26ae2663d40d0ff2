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

/** What every entry states; the rest depends on its kind. */
type EntryBasics = Pick<CalibrationLogEntry, 'id' | 'deviceId' | 'kind' | 'at'>;

/**
 * An entry with every field its kind does not fill set to null: a calibration
 * change fills before/after, a maintenance visit its note and references, a
 * recalibration its range and counts. One definition, so a field added to
 * CalibrationLogEntry reaches every kind.
 */
export function calibrationLogEntry(fields: EntryBasics & Partial<CalibrationLogEntry>): CalibrationLogEntry {
  return {
    sensorId: null,
    maintenanceKind: null,
    by: null,
    note: null,
    configVersion: null,
    before: null,
    after: null,
    references: null,
    drift: null,
    from: null,
    to: null,
    scanned: null,
    changed: null,
    ...fields,
  };
}
