import type { TelemetryRecord } from '../telemetry/types';

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

/** Entries a series has room for at first; it doubles up to its capacity, so a sensor seen a few times costs little. */
const INITIAL_ENTRIES = 16;

/** Numbers kept per entry, side by side in one typed array: its time, its value, and its packed test flags. */
export const STRIDE = 3;
/** Offsets within an entry. */
export const TIME = 0;
export const VALUE = 1;
/** The five test flags, packed by the assessor (see `pack` there). */
export const CODE = 2;

/**
 * One sensor's recent readings, oldest first, in a ring, with the running
 * sums of the rate-of-change window so that its standard deviation costs no
 * pass over the window per reading.
 *
 * The ring is one Float64Array of STRIDE numbers per entry rather than an
 * object per reading: a reading then costs no allocation, the garbage
 * collector has no tens of thousands of small objects to move into the old
 * generation while the rings fill, and the neighbours the tests read lie in
 * one or two cache lines. `at(i)` answers where the i-th entry starts.
 */
export class SensorSeries {
  data: Float64Array;
  /** Position of the oldest entry, in entries. */
  private start = 0;
  /** Entries held. */
  length = 0;
  /** Logical index of the oldest entry inside the rate-of-change window. */
  private windowStart = 0;
  private sum = 0;
  private sumSquares = 0;
  /** Values in the window after the last `window` call. */
  windowCount = 0;
  /** The newest entry's own aggregate flag, as last written: a late pass matters only to a 2. */
  lastFlag = 0;
  /**
   * The record the newest entry's reading is in, and its index in the
   * readings: only the newest entry can still get a late (spike) verdict, so
   * the older ones need not hold on to their records.
   */
  newestCell: RecordCell | undefined = undefined;
  newestIndex = 0;

  constructor(private readonly capacity: number) {
    this.data = new Float64Array(Math.min(INITIAL_ENTRIES, capacity) * STRIDE);
  }

  /** Where the i-th entry (0 the oldest) starts in `data`. */
  at(i: number): number {
    const j = this.start + i;
    return (j < this.capacity ? j : j - this.capacity) * STRIDE;
  }

  /** Where the newest entry starts in `data`, -1 when empty. */
  get last(): number {
    return this.length > 0 ? this.at(this.length - 1) : -1;
  }

  clear(): void {
    this.newestCell = undefined;
    this.start = 0;
    this.length = 0;
    this.windowStart = 0;
    this.sum = 0;
    this.sumSquares = 0;
  }

  /** Drops window entries older than `since`; answers the window's standard deviation (count in windowCount). */
  window(since: number): number {
    const data = this.data;
    while (this.windowStart < this.length) {
      const at = this.at(this.windowStart);
      // Not `>= since`: a time that compares false both ways stays in, as it always has.
      if (!(data[at + TIME]! < since)) break;
      const v = data[at + VALUE]!;
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
   * Appends the newest entry: into fresh room while the ring grows, then over
   * the oldest, which leaves the series (and the window) here.
   */
  push(time: number, value: number, code: number, cell: RecordCell, index: number): void {
    if (this.length === this.capacity) {
      const v = this.data[this.at(0) + VALUE]!;
      if (this.windowStart === 0) {
        this.sum -= v;
        this.sumSquares -= v * v;
      } else this.windowStart--;
      this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
      this.length--;
    } else if (this.length * STRIDE === this.data.length) this.grow();
    const at = this.at(this.length);
    this.data[at + TIME] = time;
    this.data[at + VALUE] = value;
    this.data[at + CODE] = code;
    this.newestCell = cell;
    this.newestIndex = index;
    this.length++;
    this.sum += value;
    this.sumSquares += value * value;
  }

  /**
   * Doubles the room (up to the capacity). Only a ring that has never been
   * full grows, and such a ring has not wrapped (start is 0), so the entries
   * copy over as they are.
   */
  private grow(): void {
    const data = new Float64Array(Math.min(this.capacity, (this.data.length / STRIDE) * 2) * STRIDE);
    data.set(this.data);
    this.data = data;
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
