import { describe, expect, it } from 'vitest';
import { aggregateFlag, summarise, QC_FLAG, NOT_EVALUATED_RESULTS } from '../../../core/quality/flags';
import {
  climatologyTest,
  flatLineTest,
  grossRangeTest,
  rateOfChangeTest,
  spikeTest,
} from '../../../core/quality/tests';

const { PASS, NOT_EVALUATED, SUSPECT, FAIL, MISSING } = QC_FLAG;

describe('QARTOD tests', () => {
  it('flags the gross range worked example: outside the sensor span fails, outside the user span is suspect', () => {
    // The example of wqptools' rtqc_range (after the QARTOD T/S manual): user span 7..15, sensor span 0..25.
    const spans = { userMin: 7, userMax: 15, sensorMin: 0, sensorMax: 25 };
    const values = [10.2, 9.7, 10, -5, -5, -5, 30, 30, 30, 5, 5, 5, 20, 20, 20];
    expect(values.map((v) => grossRangeTest(v, spans))).toEqual([
      PASS,
      PASS,
      PASS,
      FAIL,
      FAIL,
      FAIL,
      FAIL,
      FAIL,
      FAIL,
      SUSPECT,
      SUSPECT,
      SUSPECT,
      SUSPECT,
      SUSPECT,
      SUSPECT,
    ]);
    expect(grossRangeTest(25, spans)).toBe(SUSPECT);
    expect(grossRangeTest(3, {})).toBe(NOT_EVALUATED);
  });

  it('flags the spike worked example, one verdict per middle value', () => {
    // ODWGtools' rtqc_spike example: thresholds 0.15 (suspect) and 0.25 (fail); the ends have no neighbours.
    const data = [1, 1.1, 1, 1.2, 1, 1.3, 1, 1.4, 1, 1.5, 1];
    const verdicts = data
      .slice(1, -1)
      .map((v, i) => spikeTest(data[i]!, v, data[i + 2]!, { suspect: 0.15, fail: 0.25 }));
    expect(verdicts).toEqual([PASS, PASS, SUSPECT, SUSPECT, FAIL, FAIL, FAIL, FAIL, FAIL]);
  });

  it('flags a climatology value outside its season as suspect, and leaves uncovered months not evaluated', () => {
    const spans = [
      { fromMonth: 11, toMonth: 3, min: 0, max: 10 },
      { fromMonth: 6, toMonth: 8, min: 12, max: 25 },
    ];
    const jan = Date.UTC(2026, 0, 15);
    const jul = Date.UTC(2026, 6, 15);
    const may = Date.UTC(2026, 4, 15);
    expect(climatologyTest(5, jan, spans)).toBe(PASS);
    expect(climatologyTest(15, jan, spans)).toBe(SUSPECT);
    expect(climatologyTest(15, jul, spans)).toBe(PASS);
    expect(climatologyTest(5, jul, spans)).toBe(SUSPECT);
    expect(climatologyTest(5, may, spans)).toBe(NOT_EVALUATED);
  });

  it('flags a jump larger than n standard deviations of the window as suspect, never as fail', () => {
    const window = [7, 7.1, 6.9, 7, 7.1, 6.9];
    expect(rateOfChangeTest(7.05, window, 3)).toBe(PASS);
    expect(rateOfChangeTest(9, window, 3)).toBe(SUSPECT);
    expect(rateOfChangeTest(9, [7, 7], 3)).toBe(NOT_EVALUATED);
    // A window with no spread says nothing about a normal step.
    expect(rateOfChangeTest(8, [7, 7, 7], 3)).toBe(PASS);
  });

  it('flags runs of repeated values as suspect, then fail', () => {
    const opts = { tolerance: 0.01, suspectCount: 3, failCount: 5 };
    expect(flatLineTest(7, [6, 6.5], opts)).toBe(PASS);
    expect(flatLineTest(7, [6, 7, 7], opts)).toBe(SUSPECT);
    expect(flatLineTest(7, [7.005, 7, 6.995, 7], opts)).toBe(FAIL);
    expect(flatLineTest(7, [7], opts)).toBe(NOT_EVALUATED);
  });

  it('aggregates fail over suspect over pass over not evaluated over missing, and names the flagging tests', () => {
    expect(aggregateFlag([PASS, SUSPECT, NOT_EVALUATED])).toBe(SUSPECT);
    expect(aggregateFlag([SUSPECT, FAIL, PASS])).toBe(FAIL);
    expect(aggregateFlag([NOT_EVALUATED, PASS])).toBe(PASS);
    expect(aggregateFlag([NOT_EVALUATED, NOT_EVALUATED])).toBe(NOT_EVALUATED);
    expect(aggregateFlag([FAIL, MISSING])).toBe(FAIL);
    expect(aggregateFlag([MISSING, NOT_EVALUATED])).toBe(NOT_EVALUATED);
    expect(aggregateFlag([MISSING])).toBe(MISSING);
    expect(
      summarise({ ...NOT_EVALUATED_RESULTS, gross_range: FAIL, spike: SUSPECT, flat_line: PASS }),
    ).toEqual({ qcFlag: FAIL, qcTests: ['gross_range', 'spike'] });
  });
});
