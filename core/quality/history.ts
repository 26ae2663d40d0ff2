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

/** A blank entry: the series reuses its slots, so a reading costs no allocation once the ring is full. */
export const blankEntry = (): HistoryEntry => ({
  time: 0,
  value: 0,
  grossRange: 2,
  climatology: 2,
  spike: 2,
  rateOfChange: 2,
  flatLine: 2,
  cell: undefined,
  index: 0,
});

/**
 * One sensor's recent readings, oldest first, in a ring of reused entries,
 * with the running sums of the rate-of-change window so that its standard
 * deviation costs no pass over the window per reading.
 */
export class SensorSeries {
  private readonly ring: HistoryEntry[] = [];
  private start = 0;
  /** Entries held. */
  length = 0;
  /** Logical index of the oldest entry inside the rate-of-change window. */
  private windowStart = 0;
  private sum = 0;
  private sumSquares = 0;
  /** Values in the window after the last `window` call. */
  windowCount = 0;

  constructor(private readonly capacity: number) {}

  /** The i-th entry, 0 the oldest. */
  at(i: number): HistoryEntry {
    const j = this.start + i;
    return this.ring[j < this.capacity ? j : j - this.capacity]!;
  }

  get last(): HistoryEntry | undefined {
    return this.length > 0 ? this.at(this.length - 1) : undefined;
  }

  /** The newest entry's own aggregate flag, as last written: a late pass matters only to a 2. */
  lastFlag = 0;

  clear(): void {
    for (let i = 0; i < this.length; i++) this.at(i).cell = undefined;
    this.start = 0;
    this.length = 0;
    this.windowStart = 0;
    this.sum = 0;
    this.sumSquares = 0;
  }

  /** Drops window entries older than `since`; answers the window's standard deviation (count in windowCount). */
  window(since: number): number {
    while (this.windowStart < this.length && this.at(this.windowStart).time < since) {
      const v = this.at(this.windowStart).value;
      this.sum -= v;
      this.sumSquares -= v * v;
      this.windowStart++;
    }
    const count = this.length - this.windowStart;
    this.windowCount = count;
    if (count < 2) return 0;
    const mean = this.sum / count;
    const variance = this.sumSquares / count - mean * mean;
    // Running sums leave binary noise where the true spread is nil (a run of 7.1s).
    return variance <= 1e-9 * Math.max(1, mean * mean) ? 0 : Math.sqrt(variance);
  }

  /**
   * The slot the next entry goes into: a new one while the ring fills, then
   * the oldest, which leaves the series (and the window) here.
   */
  claim(): HistoryEntry {
    if (this.ring.length < this.capacity) {
      const entry = blankEntry();
      this.ring.push(entry);
      return entry;
    }
    if (this.length === this.capacity) {
      const oldest = this.at(0);
      if (this.windowStart === 0) {
        this.sum -= oldest.value;
        this.sumSquares -= oldest.value * oldest.value;
      } else this.windowStart--;
      oldest.cell = undefined;
      this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
      this.length--;
    }
    return this.at(this.length);
  }

  /** Appends the claimed slot, filled in. */
  commit(entry: HistoryEntry): void {
    // claim() handed out the slot after the newest, which is where the entry belongs.
    this.length++;
    this.sum += entry.value;
    this.sumSquares += entry.value * entry.value;
  }
}

export interface QualityHistoryOptions {
  /** Devices kept at most; the first seen go first (default 10,000, as the device cache). */
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
