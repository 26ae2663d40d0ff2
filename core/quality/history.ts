import type { TelemetryRecord } from '../telemetry/types';
import type { QcResults } from './flags';

/**
 * A stored (or about to be stored) record, shared by the history entries of
 * all its sensors, so that a late verdict on one sensor rewrites the record
 * with the others' readings as they are.
 */
export interface RecordCell {
  record: TelemetryRecord;
  /** False while the record is in the batch being built: a verdict then changes it in place. */
  written: boolean;
}

/** One earlier reading of a sensor: what the tests that compare neighbours need. */
export interface HistoryEntry {
  time: number;
  value: number;
  results: QcResults;
  cell?: RecordCell;
  /** Index of this sensor's reading in `cell.record.readings`. */
  index?: number;
}

export interface QualityHistoryOptions {
  /** Devices kept at most; the least recently used go first (default 10,000, as the device cache). */
  maxDevices?: number;
  /** Readings kept per sensor (default 256: a day and more at ten-minute intervals). */
  maxEntries?: number;
}

/**
 * Recent readings per device and sensor, in processor memory beside the
 * device cache: no read per message. It is cold in a new container and
 * after a restart; the assessor then leaves the tests that need earlier
 * values not evaluated (flag 2) until enough readings have arrived
 * (docs/QUALITY.md).
 */
export class QualityHistory {
  private readonly devices = new Map<string, Map<string, HistoryEntry[]>>();
  private readonly maxDevices: number;
  readonly maxEntries: number;

  constructor(options: QualityHistoryOptions = {}) {
    this.maxDevices = options.maxDevices ?? 10_000;
    this.maxEntries = options.maxEntries ?? 256;
  }

  /** The sensor's entries, oldest first (created empty). The caller appends with `push`. */
  series(deviceId: string, sensor: string): HistoryEntry[] {
    let sensors = this.devices.get(deviceId);
    if (sensors) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.devices.delete(deviceId);
      this.devices.set(deviceId, sensors);
    } else {
      if (this.devices.size >= this.maxDevices) {
        const oldest = this.devices.keys().next().value;
        if (oldest !== undefined) this.devices.delete(oldest);
      }
      sensors = new Map();
      this.devices.set(deviceId, sensors);
    }
    let entries = sensors.get(sensor);
    if (!entries) {
      entries = [];
      sensors.set(sensor, entries);
    }
    return entries;
  }

  /** Appends an entry, dropping the oldest beyond `maxEntries`. */
  push(entries: HistoryEntry[], entry: HistoryEntry): void {
    entries.push(entry);
    if (entries.length > this.maxEntries) entries.splice(0, entries.length - this.maxEntries);
  }

  /** Devices held (what the tests and the benchmark look at). */
  get size(): number {
    return this.devices.size;
  }
}
