import type { CalibratedReading, TelemetryRecord } from '../telemetry/types';
import { QC_FLAG, type QcFlag, type QcTestName } from './flags';
import { CODE, QualityHistory, TIME, VALUE, type RecordCell, type SensorSeries } from './history';
import {
  climatologyTest,
  flatLineFlag,
  grossRangeFlag,
  rateOfChangeFlag,
  spikeTest,
  type SeasonalSpan,
} from './tests';
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

const { PASS, NOT_EVALUATED, SUSPECT, FAIL } = QC_FLAG;

/*
 * The five test flags of a reading, packed into one number (2 bits each, the
 * flag minus one: the tests answer only 1 to 4). The history keeps one such
 * code per reading, and the aggregate flag and qcTests of every code are
 * worked out once below, so a reading costs a table look-up and no array.
 */
const GROSS_RANGE = 0;
const CLIMATOLOGY = 2;
const SPIKE = 4;
const RATE_OF_CHANGE = 6;
const FLAT_LINE = 8;
const CODES = 1 << 10;

const pack = (g: QcFlag, c: QcFlag, s: QcFlag, r: QcFlag, f: QcFlag): number =>
  ((g - 1) << GROSS_RANGE) |
  ((c - 1) << CLIMATOLOGY) |
  ((s - 1) << SPIKE) |
  ((r - 1) << RATE_OF_CHANGE) |
  ((f - 1) << FLAT_LINE);

const unpack = (code: number, shift: number): QcFlag => (((code >> shift) & 3) + 1) as QcFlag;

/** A code with the spike verdict replaced (the verdict that comes one reading late). */
const withSpike = (code: number, spike: QcFlag): number => (code & ~(3 << SPIKE)) | ((spike - 1) << SPIKE);

/** The qcTests of a reading no test flagged: shared, frozen, so nothing can add to it by mistake. */
const NONE = Object.freeze([]) as unknown as QcTestName[];

const bad = (f: QcFlag): boolean => f === SUSPECT || f === FAIL;

/** The aggregate flag and the flagging tests of the five flags (fail > suspect > pass > not evaluated). */
function outcome(
  g: QcFlag,
  c: QcFlag,
  s: QcFlag,
  r: QcFlag,
  f: QcFlag,
): { flag: QcFlag; tests: QcTestName[] } {
  let worst: QcFlag = NOT_EVALUATED;
  if (g === PASS || c === PASS || s === PASS || r === PASS || f === PASS) worst = PASS;
  const tests: QcTestName[] = [];
  if (bad(g)) tests.push('gross_range');
  if (bad(c)) tests.push('climatology');
  if (bad(s)) tests.push('spike');
  if (bad(r)) tests.push('rate_of_change');
  if (bad(f)) tests.push('flat_line');
  if (tests.length === 0) return { flag: worst, tests: NONE };
  worst = g === FAIL || c === FAIL || s === FAIL || r === FAIL || f === FAIL ? FAIL : SUSPECT;
  // Frozen too: every reading with these flags shares the one array.
  return { flag: worst, tests: Object.freeze(tests) as QcTestName[] };
}

/** Aggregate flag per code. */
const FLAG_OF = new Uint8Array(CODES);
/** qcTests per code. */
const TESTS_OF: QcTestName[][] = [];
for (let code = 0; code < CODES; code++) {
  const o = outcome(
    unpack(code, GROSS_RANGE),
    unpack(code, CLIMATOLOGY),
    unpack(code, SPIKE),
    unpack(code, RATE_OF_CHANGE),
    unpack(code, FLAT_LINE),
  );
  FLAG_OF[code] = o.flag;
  TESTS_OF.push(o.tests);
}

/** Sets a reading's aggregate flag and qcTests from its packed test flags. */
function flag(reading: CalibratedReading, code: number): void {
  reading.qcFlag = FLAG_OF[code] as QcFlag;
  reading.qcTests = TESTS_OF[code]!;
}

/**
 * One sensor of one device object: its thresholds, resolved once per device
 * config (the device cache hands out the same object until it refetches), and
 * its series. A class, so that every sensor has the same shape and the
 * per-reading property reads stay monomorphic (the resolved thresholds'
 * shape depends on which spans a measurement has).
 */
class SensorState {
  readonly id: string;
  readonly enabled: boolean;
  // Absent spans are NaN here (see grossRangeFlag), so these fields only ever hold numbers.
  readonly sensorMin: number;
  readonly sensorMax: number;
  readonly userMin: number;
  readonly userMax: number;
  readonly anySpan: boolean;
  readonly climatology: readonly SeasonalSpan[];
  readonly hasClimatology: boolean;
  readonly spike: { suspect: number; fail: number } | undefined;
  readonly flatLine: { tolerance: number; suspectCount: number; failCount: number } | undefined;
  // The numbers read for every reading, copied out of their objects: one object to load, not three.
  readonly hasRateOfChange: boolean;
  readonly rateOfChangeDeviations: number;
  readonly rateOfChangeWindowMs: number;
  readonly hasFlatLine: boolean;
  readonly flatLineTolerance: number;
  /** Earlier values the flat-line test looks back at, at most (a run of failCount includes V(n)). */
  readonly flatLineLookBack: number;

  constructor(
    id: string,
    th: QcThresholds,
    readonly series: SensorSeries,
  ) {
    this.id = id;
    this.enabled = th.enabled;
    this.sensorMin = th.sensorMin ?? NaN;
    this.sensorMax = th.sensorMax ?? NaN;
    this.userMin = th.userMin ?? NaN;
    this.userMax = th.userMax ?? NaN;
    this.anySpan =
      th.sensorMin !== undefined ||
      th.sensorMax !== undefined ||
      th.userMin !== undefined ||
      th.userMax !== undefined;
    this.climatology = th.climatology;
    this.hasClimatology = th.climatology.length > 0;
    this.spike = th.spike;
    this.flatLine = th.flatLine;
    this.hasRateOfChange = th.rateOfChange !== undefined;
    this.rateOfChangeDeviations = th.rateOfChange?.deviations ?? 0;
    this.rateOfChangeWindowMs = th.rateOfChange?.windowMs ?? 0;
    this.hasFlatLine = th.flatLine !== undefined;
    this.flatLineTolerance = th.flatLine?.tolerance ?? 0;
    this.flatLineLookBack = (th.flatLine?.failCount ?? 0) - 1;
  }
}

/** A device object's sensors by id, and by the reading index they were last found at. */
interface DeviceState {
  byId: Map<string, SensorState>;
  /**
   * A device's messages list their sensors in the same order, so the sensor
   * at reading index i is almost always the one found there last time: one
   * string comparison instead of a Map look-up per reading.
   */
  byIndex: (SensorState | undefined)[];
}

/** Builds an assessor on a history (one per processor container; a fresh one per recalibration run). */
export function createQualityAssessor(history: QualityHistory = new QualityHistory()): QualityAssessor {
  // Per device object, so a new config (a new object from the cache) resolves its thresholds anew.
  const states = new WeakMap<QcDevice, DeviceState>();
  // Reused from batch to batch (settle empties it).
  const batch: RecordCell[] = [];
  const revised = new Map<RecordCell, TelemetryRecord>();

  const stateOf = (device: QcDevice): DeviceState => {
    let state = states.get(device);
    if (!state) {
      const byId = new Map<string, SensorState>();
      for (const sensor of device.sensors)
        byId.set(
          sensor.id,
          new SensorState(sensor.id, resolveThresholds(sensor), history.series(device.id, sensor.id)),
        );
      state = { byId, byIndex: [] };
      states.set(device, state);
    }
    return state;
  };

  /** Applies a late spike verdict (already in the code) to the reading of the series' newest entry. */
  const revise = (series: SensorSeries, code: number, version: number | undefined): void => {
    const cell = series.newestCell;
    if (!cell) return;
    const index = series.newestIndex;
    const before = cell.record.readings[index];
    if (!before) return;
    if (!cell.written) {
      flag(before, code);
      return;
    }
    if (before.qcFlag === FLAG_OF[code] && sameTests(before.qcTests, TESTS_OF[code]!)) return;
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
    flag(copy.readings[index]!, code);
  };

  return {
    assess(device, record) {
      const cell: RecordCell = { record, written: false };
      batch.push(cell);
      const { byId, byIndex } = stateOf(device);
      const time = record.time;
      const readings = record.readings;
      for (let index = 0; index < readings.length; index++) {
        const reading = readings[index]!;
        let state = byIndex[index];
        if (state === undefined || state.id !== reading.sensor) {
          state = byId.get(reading.sensor);
          if (state) byIndex[index] = state;
        }
        if (!state || !state.enabled) {
          reading.qcFlag = NOT_EVALUATED;
          reading.qcTests = NONE;
          continue;
        }
        const series = state.series;
        const data = series.data;
        const value = reading.value;
        const last = series.last;
        const lastTime = last >= 0 ? data[last + TIME]! : 0;

        // A redelivery (same time, same value): the flags it got, and any verdict since.
        let retimed = false;
        if (last >= 0 && time <= lastTime) {
          let redelivered = false;
          for (let i = series.length - 1; i >= 0; i--) {
            const seen = series.at(i);
            const seenTime = data[seen + TIME]!;
            if (seenTime < time) break;
            if (seenTime !== time) continue;
            if (data[seen + VALUE] === value) {
              flag(reading, data[seen + CODE]!);
              // The redelivered record is the one a late verdict on the newest entry now rewrites.
              if (seen === last) {
                series.newestCell = cell;
                series.newestIndex = index;
              }
              redelivered = true;
            } else retimed = true;
            break;
          }
          if (redelivered) continue;
        }

        const grossRange = grossRangeFlag(
          value,
          state.sensorMin,
          state.sensorMax,
          state.userMin,
          state.userMax,
          state.anySpan,
        );
        const climatology = state.hasClimatology
          ? climatologyTest(value, time, state.climatology)
          : NOT_EVALUATED;
        if (last >= 0 && (time < lastTime || retimed)) {
          // Out of order: the neighbours it would be compared with are not its own.
          flag(reading, pack(grossRange, climatology, NOT_EVALUATED, NOT_EVALUATED, NOT_EVALUATED));
          continue;
        }
        if (last >= 0 && time - lastTime > MAX_GAP_MS) series.clear();

        let rateOfChange: QcFlag = NOT_EVALUATED;
        let flatLine: QcFlag = NOT_EVALUATED;
        const count = series.length;
        const previous = series.last;
        if (previous >= 0) {
          const previousValue = data[previous + VALUE]!;
          if (state.hasRateOfChange) {
            const sd = series.window(time - state.rateOfChangeWindowMs);
            rateOfChange = rateOfChangeFlag(
              value,
              previousValue,
              series.windowCount,
              sd,
              state.rateOfChangeDeviations,
            );
          }
          if (state.hasFlatLine) {
            let repeats = 0;
            const limit = state.flatLineLookBack;
            const tolerance = state.flatLineTolerance;
            for (let i = count - 1; i >= 0 && repeats < limit; i--) {
              if (Math.abs(data[series.at(i) + VALUE]! - value) > tolerance) break;
              repeats++;
            }
            flatLine = flatLineFlag(repeats, Math.min(count, limit), state.flatLine!);
          }
          const spike = state.spike;
          if (spike && count >= 2) {
            const beforePrevious = data[series.at(count - 2) + VALUE]!;
            const verdict = spikeTest(beforePrevious, previousValue, value, spike);
            const revisedCode = withSpike(data[previous + CODE]!, verdict);
            data[previous + CODE] = revisedCode;
            // A pass changes the aggregate only of a reading no other test passed (flag 2).
            if (verdict !== PASS || series.lastFlag === NOT_EVALUATED)
              revise(series, revisedCode, record.version);
          }
        }
        const code = pack(grossRange, climatology, NOT_EVALUATED, rateOfChange, flatLine);
        flag(reading, code);
        // The entry before it lets go of its record here: it can get no later verdict.
        series.push(time, value, code, cell, index);
        series.lastFlag = reading.qcFlag!;
      }
    },

    settle() {
      for (const cell of batch) cell.written = true;
      batch.length = 0;
      if (revised.size === 0) return [];
      const out = [...revised.values()];
      revised.clear();
      return out;
    },
  };
}

function sameTests(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const x = a ?? [];
  return x.length === b.length && x.every((t, i) => t === b[i]);
}
