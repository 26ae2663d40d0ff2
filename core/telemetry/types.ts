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
  /**
   * QARTOD aggregate flag (core/quality/flags.ts: 1 pass, 2 not evaluated, 3
   * suspect, 4 fail, 9 missing). Optional in the type so that records built
   * before quality control ran (and rows stored before it existed) still fit;
   * stores read a missing flag as 2.
   */
  qcFlag?: number;
  /** Names of the tests that flagged the reading 3 or 4; empty or absent when none did. */
  qcTests?: string[];
  /**
   * The config version whose calibration produced `value`, when it is not the
   * record's (a recalibration of this one sensor); absent otherwise.
   */
  configVersion?: number;
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
  /**
   * The store version of the record: a write with a higher version replaces
   * the stored record (Timestream `Version`; the DuckDB store upserts
   * whatever comes last). The pipeline sets its batch time in epoch ms, so a
   * later write of the same record (a redelivery, the spike test's late
   * verdict, a recalibration) replaces an earlier one. Absent: the config
   * version (records written before quality control existed).
   */
  version?: number;
}

/** Stored records of one device that hold a sensor, read back whole so they can be rewritten as a new version. */
export interface RecordQuery {
  deviceId: string;
  sensor: string;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  limit: number;
  nextToken?: string | null;
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
  /**
   * Worst QARTOD flag kept (1-4); readings flagged worse are left out (a
   * missing flag counts as 2). Raw points keep all when absent; buckets
   * default to BUCKET_MIN_QUALITY and report what they left out in `excluded`.
   */
  minQuality?: number;
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

/** Buckets count values up to "suspect" unless asked otherwise: a failed reading (a spike) is not data. */
export const BUCKET_MIN_QUALITY = 3;
/** What a reading without a stored flag counts as: written before quality control, so not evaluated. */
export const UNFLAGGED = 2;

export type { Reading, ReadingPoint, Page };

/**
 * A point of a `readings` page with every field the store does not fill set
 * to null: raw points fill value, raw, outOfRange and the quality flags;
 * buckets fill avg, min, max, count and excluded. One definition, so a field
 * added to ReadingPoint reaches every store.
 */
export function readingPoint(time: string, fields: Partial<ReadingPoint>): ReadingPoint {
  return {
    time,
    value: null,
    raw: null,
    outOfRange: null,
    avg: null,
    min: null,
    max: null,
    count: null,
    qcFlag: null,
    qcTests: null,
    excluded: null,
    ...fields,
  };
}
