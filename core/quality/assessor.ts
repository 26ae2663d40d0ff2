import type { CalibratedReading, TelemetryRecord } from '../telemetry/types';
import { QC_FLAG, type QcFlag, type QcTestName } from './flags';
import { QualityHistory, blankEntry, type HistoryEntry, type RecordCell, type SensorSeries } from './history';
import { climatologyTest, flatLineFlag, grossRangeTest, rateOfChangeFlag, spikeTest } from './tests';
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

interface SensorState {
  thresholds: QcThresholds;
  series: SensorSeries;
}

const { PASS, NOT_EVALUATED, SUSPECT, FAIL } = QC_FLAG;

/** Where the assessor computes a reading's results before keeping them (single-threaded, so one suffices). */
const scratch: HistoryEntry = blankEntry();

/** Builds an assessor on a history (one per processor container; a fresh one per recalibration run). */
export function createQualityAssessor(history: QualityHistory = new QualityHistory()): QualityAssessor {
  // Per device object: the device cache hands out the same object until it refetches, so the
  // thresholds are resolved and the series found once per config, not once per reading.
  const states = new WeakMap<QcDevice, Map<string, SensorState>>();
  let batch: RecordCell[] = [];
  const revised = new Map<RecordCell, TelemetryRecord>();

  const stateOf = (device: QcDevice): Map<string, SensorState> => {
    let map = states.get(device);
    if (!map) {
      map = new Map();
      for (const sensor of device.sensors)
        map.set(sensor.id, {
          thresholds: resolveThresholds(sensor),
          series: history.series(device.id, sensor.id),
        });
      states.set(device, map);
    }
    return map;
  };

  /** Applies a late spike verdict to the reading the entry came from. */
  const revise = (entry: HistoryEntry, version: number | undefined): void => {
    const cell = entry.cell;
    if (!cell) return;
    const before = cell.record.readings[entry.index];
    if (!before) return;
    if (!cell.written) {
      flag(before, entry);
      return;
    }
    const probe = { qcFlag: before.qcFlag, qcTests: before.qcTests } as CalibratedReading;
    flag(probe, entry);
    if (probe.qcFlag === before.qcFlag && sameTests(before.qcTests, probe.qcTests!)) return;
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
    flag(copy.readings[entry.index]!, entry);
  };

  return {
    assess(device, record) {
      const cell: RecordCell = { record, written: false };
      batch.push(cell);
      const sensors = stateOf(device);
      const time = record.time;
      const readings = record.readings;
      for (let index = 0; index < readings.length; index++) {
        const reading = readings[index]!;
        const state = sensors.get(reading.sensor);
        if (!state || !state.thresholds.enabled) {
          reading.qcFlag = NOT_EVALUATED;
          reading.qcTests = NONE;
          continue;
        }
        const th = state.thresholds;
        const series = state.series;
        const value = reading.value;
        const last = series.last;

        // A redelivery (same time, same value): the flags it got, and any verdict since.
        let retimed = false;
        let redelivered = false;
        if (last && time <= last.time) {
          for (let i = series.length - 1; i >= 0; i--) {
            const seen = series.at(i);
            if (seen.time < time) break;
            if (seen.time !== time) continue;
            if (seen.value === value) {
              flag(reading, seen);
              seen.cell = cell;
              seen.index = index;
              redelivered = true;
            } else retimed = true;
            break;
          }
          if (redelivered) continue;
        }

        // Computed in a scratch entry: the series copies it into a reused slot only when it keeps it.
        const entry = scratch;
        entry.time = time;
        entry.value = value;
        entry.grossRange = grossRangeTest(value, th);
        entry.climatology =
          th.climatology.length > 0 ? climatologyTest(value, time, th.climatology) : NOT_EVALUATED;
        entry.spike = NOT_EVALUATED;
        entry.rateOfChange = NOT_EVALUATED;
        entry.flatLine = NOT_EVALUATED;
        if (last && (time < last.time || retimed)) {
          // Out of order: the neighbours it would be compared with are not its own.
          flag(reading, entry);
          continue;
        }
        if (last && time - last.time > MAX_GAP_MS) series.clear();

        const count = series.length;
        const previous = series.last;
        if (previous) {
          if (th.rateOfChange) {
            const sd = series.window(time - th.rateOfChange.windowMs);
            entry.rateOfChange = rateOfChangeFlag(
              value,
              previous.value,
              series.windowCount,
              sd,
              th.rateOfChange.deviations,
            );
          }
          if (th.flatLine) {
            let repeats = 0;
            const limit = th.flatLine.failCount - 1;
            for (let i = count - 1; i >= 0 && repeats < limit; i--) {
              if (Math.abs(series.at(i).value - value) > th.flatLine.tolerance) break;
              repeats++;
            }
            entry.flatLine = flatLineFlag(repeats, Math.min(count, limit), th.flatLine);
          }
          if (th.spike && count >= 2) {
            const beforePrevious = series.at(count - 2);
            const verdict = spikeTest(beforePrevious.value, previous.value, value, th.spike);
            previous.spike = verdict;
            // A pass changes the aggregate only of a reading no other test passed (flag 2).
            if (verdict !== PASS || series.lastFlag === NOT_EVALUATED) revise(previous, record.version);
          }
          // Only the newest entry can still be revised: the older ones let go of their records.
          previous.cell = undefined;
        }
        flag(reading, entry);
        const slot = series.claim();
        slot.time = time;
        slot.value = value;
        slot.grossRange = entry.grossRange;
        slot.climatology = entry.climatology;
        slot.spike = NOT_EVALUATED;
        slot.rateOfChange = entry.rateOfChange;
        slot.flatLine = entry.flatLine;
        slot.cell = cell;
        slot.index = index;
        series.commit(slot);
        series.lastFlag = reading.qcFlag!;
      }
    },

    settle() {
      for (const cell of batch) cell.written = true;
      batch = [];
      if (revised.size === 0) return [];
      const out = [...revised.values()];
      revised.clear();
      return out;
    },
  };
}

/** The aggregate flag and the flagging tests of an entry, set on a reading (fail > suspect > pass > not evaluated). */
const bad = (f: QcFlag): boolean => f === SUSPECT || f === FAIL;

/** The qcTests of a reading no test flagged: shared, frozen, so nothing can add to it by mistake. */
const NONE = Object.freeze([]) as unknown as QcTestName[];

function flag(reading: CalibratedReading, e: HistoryEntry): void {
  const g = e.grossRange;
  const c = e.climatology;
  const s = e.spike;
  const r = e.rateOfChange;
  const f = e.flatLine;
  let worst: QcFlag = NOT_EVALUATED;
  if (g === PASS || c === PASS || s === PASS || r === PASS || f === PASS) worst = PASS;
  const flagged = bad(g) || bad(c) || bad(s) || bad(r) || bad(f);
  if (!flagged) {
    reading.qcFlag = worst;
    reading.qcTests = NONE;
    return;
  }
  const tests: QcTestName[] = [];
  if (g === SUSPECT || g === FAIL) tests.push('gross_range');
  if (c === SUSPECT || c === FAIL) tests.push('climatology');
  if (s === SUSPECT || s === FAIL) tests.push('spike');
  if (r === SUSPECT || r === FAIL) tests.push('rate_of_change');
  if (f === SUSPECT || f === FAIL) tests.push('flat_line');
  if (tests.length > 0)
    worst = g === FAIL || c === FAIL || s === FAIL || r === FAIL || f === FAIL ? FAIL : SUSPECT;
  reading.qcFlag = worst;
  reading.qcTests = tests;
}

function sameTests(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const x = a ?? [];
  return x.length === b.length && x.every((t, i) => t === b[i]);
}
