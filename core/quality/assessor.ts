import type { CalibratedReading, TelemetryRecord } from '../telemetry/types';
import { NOT_EVALUATED_RESULTS, QC_FLAG, summarise, type QcResults } from './flags';
import { QualityHistory, type HistoryEntry, type RecordCell } from './history';
import { climatologyTest, flatLineTest, grossRangeTest, rateOfChangeTest, spikeTest } from './tests';
import { MAX_GAP_MS, resolveThresholds, type QcSensor, type QcThresholds } from './thresholds';

/** A device as the assessor reads it: its id and its sensors' measurement, unit and thresholds. */
export interface QcDevice {
  id: string;
  sensors: readonly (QcSensor & { id: string })[];
}

/**
 * Flags calibrated readings as they arrive. Call `assess` for each record in
 * message order right after calibration, then `settle` once before writing
 * the batch: it answers the records written in earlier batches whose flags a
 * later reading changed (the spike test's one-reading lag) as new versions.
 */
export interface QualityAssessor {
  /** Sets qcFlag and qcTests on every reading of the record, in place. */
  assess(device: QcDevice, record: TelemetryRecord): void;
  /** New versions of earlier-written records whose flags changed; marks this batch's records as written. */
  settle(): TelemetryRecord[];
}

/** Thresholds per sensor object: the device cache hands out the same objects until it refetches. */
const thresholdsCache = new WeakMap<object, QcThresholds>();

function thresholdsOf(sensor: QcSensor): QcThresholds {
  let t = thresholdsCache.get(sensor);
  if (!t) {
    t = resolveThresholds(sensor);
    thresholdsCache.set(sensor, t);
  }
  return t;
}

/** Builds an assessor on a history (one per processor container; a fresh one per recalibration run). */
export function createQualityAssessor(history: QualityHistory = new QualityHistory()): QualityAssessor {
  let batch: RecordCell[] = [];
  const revised = new Map<RecordCell, TelemetryRecord>();

  /** Applies a late spike verdict to the reading the entry came from. */
  const revise = (entry: HistoryEntry, version: number | undefined): void => {
    const cell = entry.cell;
    if (!cell || entry.index === undefined) return;
    const before = cell.record.readings[entry.index];
    if (!before) return;
    const { qcFlag, qcTests } = summarise(entry.results);
    if (!cell.written) {
      setFlags(before, qcFlag, qcTests);
      return;
    }
    if (before.qcFlag === qcFlag && sameTests(before.qcTests, qcTests)) return;
    let copy = revised.get(cell);
    if (!copy) {
      const old = cell.record;
      copy = {
        ...old,
        readings: old.readings.map((r) => ({ ...r })),
        version: Math.max(version ?? 0, (old.version ?? old.configVersion) + 1),
      };
      revised.set(cell, copy);
      cell.record = copy;
    }
    setFlags(copy.readings[entry.index]!, qcFlag, qcTests);
  };

  return {
    assess(device, record) {
      const cell: RecordCell = { record, written: false };
      batch.push(cell);
      const sensors = new Map(device.sensors.map((s) => [s.id, s]));
      record.readings.forEach((reading, index) => {
        const sensor = sensors.get(reading.sensor);
        const th = sensor ? thresholdsOf(sensor) : undefined;
        const entries = history.series(device.id, reading.sensor);
        const time = record.time;

        // A redelivery: the flags it got the first time (and any verdict since).
        let retimed = false;
        for (let i = entries.length - 1; i >= 0 && entries[i]!.time >= time; i--) {
          const seen = entries[i]!;
          if (seen.time !== time) continue;
          if (seen.value !== reading.value) {
            retimed = true;
            break;
          }
          const { qcFlag, qcTests } = summarise(seen.results);
          setFlags(reading, qcFlag, qcTests);
          seen.cell = cell;
          seen.index = index;
          return;
        }

        if (!th || !th.enabled) {
          setFlags(reading, QC_FLAG.NOT_EVALUATED, []);
          return;
        }
        const results: QcResults = { ...NOT_EVALUATED_RESULTS };
        results.gross_range = grossRangeTest(reading.value, th);
        if (th.climatology.length > 0)
          results.climatology = climatologyTest(reading.value, time, th.climatology);

        const last = entries[entries.length - 1];
        if (last && (time < last.time || retimed)) {
          // Out of order: the neighbours it would be compared with are not its own.
          const { qcFlag, qcTests } = summarise(results);
          setFlags(reading, qcFlag, qcTests);
          return;
        }
        if (last && time - last.time > MAX_GAP_MS) entries.length = 0;

        const previous = entries[entries.length - 1];
        if (previous) {
          if (th.rateOfChange) {
            const since = time - th.rateOfChange.windowMs;
            const window: number[] = [];
            for (const e of entries) if (e.time >= since) window.push(e.value);
            results.rate_of_change = rateOfChangeTest(reading.value, window, th.rateOfChange.deviations);
          }
          if (th.flatLine) {
            const earlier = entries.slice(-(th.flatLine.failCount - 1)).map((e) => e.value);
            results.flat_line = flatLineTest(reading.value, earlier, th.flatLine);
          }
          const beforePrevious = entries[entries.length - 2];
          if (th.spike && beforePrevious) {
            previous.results.spike = spikeTest(beforePrevious.value, previous.value, reading.value, th.spike);
            revise(previous, record.version);
          }
        }
        const { qcFlag, qcTests } = summarise(results);
        setFlags(reading, qcFlag, qcTests);
        history.push(entries, { time, value: reading.value, results, cell, index });
      });
    },

    settle() {
      for (const cell of batch) cell.written = true;
      batch = [];
      const out = [...revised.values()];
      revised.clear();
      return out;
    },
  };
}

function setFlags(reading: CalibratedReading, qcFlag: number, qcTests: string[]): void {
  reading.qcFlag = qcFlag;
  reading.qcTests = qcTests;
}

function sameTests(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const x = a ?? [];
  return x.length === b.length && x.every((t, i) => t === b[i]);
}
