import type { TelemetryRecord } from '../telemetry/types';
import type { QcFlag } from './flags';

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

/** One earlier reading of a sensor, with its flag per test: what the neighbour tests need. */
export interface HistoryEntry {
  time: number;
  value: number;
  grossRange: QcFlag;
  climatology: QcFlag;
  spike: QcFlag;
  rateOfChange: QcFlag;
  flatLine: QcFlag;
  cell: RecordCell | undefined;
  /** Index of this sensor's reading in `cell.record.readings`. */
  index: number;
}

/**
 * One sensor's recent readings, oldest first, with the running sums of the
 * rate-of-change window so that its standard deviation costs no pass over
 * the window per reading.
 */
export class SensorSeries {
  entries: HistoryEntry[] = [];
  /** Index of the oldest entry inside the rate-of-change window. */
  windowStart = 0;
  sum = 0;
  sumSquares = 0;

  constructor(private readonly maxEntries: number) {}

  get last(): HistoryEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  clear(): void {
    this.entries = [];
    this.windowStart = 0;
    this.sum = 0;
    this.sumSquares = 0;
  }

  /** Values in the window after the last `window` call. */
  windowCount = 0;

  /** Drops window entries older than `since`; answers the window's standard deviation (count in windowCount). */
  window(since: number): number {
    const e = this.entries;
    while (this.windowStart < e.length && e[this.windowStart]!.time < since) {
      const v = e[this.windowStart]!.value;
      this.sum -= v;
      this.sumSquares -= v * v;
      this.windowStart++;
    }
    const count = e.length - this.windowStart;
    this.windowCount = count;
    if (count < 2) return 0;
    const mean = this.sum / count;
    const variance = this.sumSquares / count - mean * mean;
    // Running sums leave binary noise where the true spread is nil (a run of 7.1s).
    return variance <= 1e-9 * Math.max(1, mean * mean) ? 0 : Math.sqrt(variance);
  }

  push(entry: HistoryEntry): void {
    this.entries.push(entry);
    this.sum += entry.value;
    this.sumSquares += entry.value * entry.value;
    // Trimmed in bulk, so a push costs no shift of the whole array.
    if (this.entries.length >= 2 * this.maxEntries) {
      const drop = this.entries.length - this.maxEntries;
      for (let i = this.windowStart; i < drop; i++) {
        const v = this.entries[i]!.value;
        this.sum -= v;
        this.sumSquares -= v * v;
      }
      this.windowStart = Math.max(0, this.windowStart - drop);
      this.entries = this.entries.slice(drop);
    }
  }
}

export interface QualityHistoryOptions {
  /** Devices kept at most; the first seen go first (default 10,000, as the device cache). */
  maxDevices?: number;
  /** Readings kept per sensor at least (default 256: a day and more at ten-minute intervals). */
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
  private readonly devices = new Map<string, Map<string, SensorSeries>>();
  private readonly maxDevices: number;
  readonly maxEntries: number;

  constructor(options: QualityHistoryOptions = {}) {
    this.maxDevices = options.maxDevices ?? 10_000;
    this.maxEntries = options.maxEntries ?? 256;
  }

  /** The series of one sensor (created empty). */
  series(deviceId: string, sensor: string): SensorSeries {
    let sensors = this.devices.get(deviceId);
    if (!sensors) {
      if (this.devices.size >= this.maxDevices) {
        const oldest = this.devices.keys().next().value;
        if (oldest !== undefined) this.devices.delete(oldest);
      }
      sensors = new Map();
      this.devices.set(deviceId, sensors);
    }
    let series = sensors.get(sensor);
    if (!series) {
      series = new SensorSeries(this.maxEntries);
      sensors.set(sensor, series);
    }
    return series;
  }

  /** Devices held (what the tests and the benchmark look at). */
  get size(): number {
    return this.devices.size;
  }
}
