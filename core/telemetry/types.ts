import type { Reading, ReadingPoint } from '../generated/graphql';
import type { Page } from '../shared/pagination';

/** One sensor's reading after calibration, as every store keeps it. */
export interface CalibratedReading {
  /** The sensor's id: its key in MQTT payloads (`ph`). */
  sensor: string;
  raw: number;
  /** Calibrated value, rounded to the sensor's decimals. */
  value: number;
  unit: string | null;
  outOfRange: boolean;
}

/**
 * What the pipeline writes: all readings of one device message at one time.
 * One record per message (not per reading) is what lets the Timestream
 * adapter write one multi-measure record per message (docs/TELEMETRY.md).
 */
export interface TelemetryRecord {
  deviceId: string;
  /** Epoch milliseconds: the device's time, or the receive time when it sent none. */
  time: number;
  /** The device configVersion whose calibration produced the values. */
  configVersion: number;
  /**
   * `device` for `devices/{id}/readings`, `legacy` for the one-sensor legacy
   * topic. Legacy firmware sends each sensor in its own message stamped with
   * the receive time, so two of them can share a millisecond; stores that key
   * records by message keep them apart with this.
   */
  source: 'device' | 'legacy';
  readings: CalibratedReading[];
}

/** Why a record was not stored. */
export interface RecordFailure {
  /** Index into the array given to `write`. */
  index: number;
  reason: string;
  /** True: the store may take it later (throttled, unavailable); false: it never will. */
  retryable: boolean;
}

export interface WriteResult {
  /** Records not stored; every other record was stored. */
  failures: RecordFailure[];
}

/** Raw points, or buckets when `intervalMs` is given. */
export interface RangeQuery {
  deviceId: string;
  sensor: string;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  intervalMs?: number;
  limit: number;
  nextToken?: string | null;
}

/** Every reading of some sensors of a device in [from, to): what an export streams. */
export interface ScanQuery {
  deviceId: string;
  /** The sensors to read; at least one. */
  sensors: readonly string[];
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
}

export type { Reading, ReadingPoint, Page };
