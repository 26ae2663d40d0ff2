/**
 * The QARTOD flag scale (U.S. IOOS QARTOD manuals, section "QC Flags"; the
 * same numbers in every manual). Lower is better except MISSING.
 */
export const QC_FLAG = {
  PASS: 1,
  NOT_EVALUATED: 2,
  SUSPECT: 3,
  FAIL: 4,
  MISSING: 9,
} as const;

export type QcFlag = (typeof QC_FLAG)[keyof typeof QC_FLAG];

/** The tests this system runs, by the names that go into `qcTests`. */
export const QC_TESTS = ['gross_range', 'climatology', 'spike', 'rate_of_change', 'flat_line'] as const;
export type QcTestName = (typeof QC_TESTS)[number];

/** One flag per test for one reading. */
export type QcResults = Record<QcTestName, QcFlag>;

/** Every test not evaluated: what a reading gets when quality control is off. */
export const NOT_EVALUATED_RESULTS: Readonly<QcResults> = Object.freeze({
  gross_range: QC_FLAG.NOT_EVALUATED,
  climatology: QC_FLAG.NOT_EVALUATED,
  spike: QC_FLAG.NOT_EVALUATED,
  rate_of_change: QC_FLAG.NOT_EVALUATED,
  flat_line: QC_FLAG.NOT_EVALUATED,
});

/**
 * The aggregate flag by the precedence the QARTOD tooling uses (ioos_qc's
 * `qartod_compare`): FAIL over SUSPECT over PASS over NOT_EVALUATED over
 * MISSING, so one failed test fails the reading.
 */
export function aggregateFlag(flags: Iterable<QcFlag>): QcFlag {
  let best: QcFlag = QC_FLAG.MISSING;
  for (const f of flags) if (RANK[f] > RANK[best]) best = f;
  return best;
}

const RANK: Record<QcFlag, number> = { 9: 0, 2: 1, 1: 2, 3: 3, 4: 4 };

/** The aggregate flag of one reading's results, and the names of the tests that flagged it 3 or 4. */
export function summarise(results: QcResults): { qcFlag: QcFlag; qcTests: QcTestName[] } {
  const qcTests = QC_TESTS.filter((t) => results[t] === QC_FLAG.SUSPECT || results[t] === QC_FLAG.FAIL);
  return { qcFlag: aggregateFlag(QC_TESTS.map((t) => results[t])), qcTests };
}

/** True for the flags a minQuality of 1 to 4 may name. */
export const isQualityBound = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 4;
