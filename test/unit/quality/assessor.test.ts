import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createQualityAssessor, type QcDevice } from '../../../core/quality/assessor';
import { QualityHistory } from '../../../core/quality/history';
import { resolveThresholds } from '../../../core/quality/thresholds';
import type { TelemetryRecord } from '../../../core/telemetry/types';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 8);

const device: QcDevice = {
  id: 'b1',
  sensors: [
    {
      id: 'ph',
      measurement: 'ph',
      unit: 'pH',
      qc: {
        enabled: null,
        sensorMin: null,
        sensorMax: null,
        userMin: null,
        userMax: null,
        climatology: null,
        spikeSuspect: 0.5,
        spikeFail: 1,
        rateOfChangeDeviations: null,
        rateOfChangeWindowHours: null,
        flatLineTolerance: null,
        flatLineSuspectCount: null,
        flatLineFailCount: null,
      },
    },
  ],
};

const rec = (i: number, ph: number, version = T0 + i * MIN + 1): TelemetryRecord => ({
  deviceId: 'b1',
  time: T0 + i * MIN,
  configVersion: 1,
  source: 'device',
  version,
  readings: [{ sensor: 'ph', raw: ph * 10, value: ph, unit: 'pH', outOfRange: false }],
});

const flagsOf = (r: TelemetryRecord) => [r.readings[0]!.qcFlag, r.readings[0]!.qcTests];

describe('quality assessor', () => {
  it('leaves the tests that need history not evaluated on a cold start, and still runs gross range', () => {
    const qa = createQualityAssessor();
    const first = rec(0, 7);
    const wild = rec(1, 15);
    qa.assess(device, first);
    qa.assess(device, wild);
    expect(flagsOf(first)).toEqual([1, []]);
    // pH 15 is off the pH scale whatever the history says.
    expect(flagsOf(wild)).toEqual([4, ['gross_range']]);
    expect(qa.settle()).toEqual([]);
  });

  it('writes the spike verdict as a new version of the earlier record when the next reading arrives', () => {
    const qa = createQualityAssessor();
    const batches = [rec(0, 7), rec(1, 7.1), rec(2, 8.2), rec(3, 7.2)];
    const revisions: TelemetryRecord[][] = [];
    for (const r of batches) {
      qa.assess(device, r);
      revisions.push(qa.settle());
    }
    // The spike at 8.2 was stored provisionally, then rewritten once 7.2 arrived.
    expect(flagsOf(batches[2]!)).toEqual([1, []]);
    expect(revisions.slice(0, 3)).toEqual([[], [], []]);
    expect(revisions[3]).toHaveLength(1);
    const revised = revisions[3]![0]!;
    expect(revised.time).toBe(T0 + 2 * MIN);
    expect(flagsOf(revised)).toEqual([4, ['spike']]);
    expect(revised.version).toBeGreaterThan(batches[2]!.version!);
    expect(revised.readings[0]!.value).toBe(8.2);
  });

  it('changes an earlier record of the same batch in place instead of rewriting it', () => {
    const qa = createQualityAssessor();
    const batch = [rec(0, 7), rec(1, 7.6), rec(2, 7)];
    for (const r of batch) qa.assess(device, r);
    expect(qa.settle()).toEqual([]);
    expect(flagsOf(batch[1]!)).toEqual([3, ['spike']]);
  });

  it('gives a redelivered reading the flags it was stored with', () => {
    const qa = createQualityAssessor();
    const batches = [rec(0, 7), rec(1, 9), rec(2, 7)];
    for (const r of batches) {
      qa.assess(device, r);
      qa.settle();
    }
    const again = rec(1, 9);
    qa.assess(device, again);
    expect(flagsOf(again)).toEqual([4, ['spike']]);
  });

  it('starts a series over after a long gap', () => {
    const qa = createQualityAssessor();
    const a = rec(0, 7);
    const b = rec(1, 9);
    const late = rec(400, 7); // 400 minutes later
    for (const r of [a, b, late]) qa.assess(device, r);
    expect(flagsOf(b)).toEqual([1, []]);
  });

  it('flags every reading 1 to 4 in any delivery order, fails whatever leaves the sensor span, and repeats itself on redelivery', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 20, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (values, order) => {
          const qa = createQualityAssessor(new QualityHistory({ maxEntries: 16 }));
          const rounded = values.map((v) => Math.round(v * 100) / 100);
          // Deliver in order, with some records delivered again out of order.
          const deliveries = [...rounded.keys(), ...order.map((k) => k % rounded.length)];
          const firstFlags = new Map<number, unknown>();
          for (const [n, i] of deliveries.entries()) {
            const r = rec(i, rounded[i]!);
            qa.assess(device, r);
            const reading = r.readings[0]!;
            expect([1, 2, 3, 4]).toContain(reading.qcFlag);
            if (rounded[i]! < 0 || rounded[i]! > 14) {
              expect(reading.qcFlag).toBe(4);
              expect(reading.qcTests).toContain('gross_range');
            }
            if (n < rounded.length) firstFlags.set(i, reading.qcFlag);
            qa.settle();
          }
          // The last reading's provisional flag is what a redelivery of it gets back.
          const last = rec(rounded.length - 1, rounded.at(-1)!);
          qa.assess(device, last);
          const again = rec(rounded.length - 1, rounded.at(-1)!);
          qa.assess(device, again);
          expect(flagsOf(again)).toEqual(flagsOf(last));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('thresholds', () => {
  it('takes the measurement defaults only in their unit, and lets the sensor override them', () => {
    expect(resolveThresholds({ measurement: 'ph', unit: 'pH' })).toMatchObject({
      sensorMin: 0,
      sensorMax: 14,
    });
    expect(resolveThresholds({ measurement: 'tmp', unit: 'F' }).sensorMax).toBeUndefined();
    const t = resolveThresholds({
      measurement: 'ph',
      unit: 'pH',
      qc: { ...device.sensors[0]!.qc!, userMin: 6 },
    });
    expect(t).toMatchObject({ userMin: 6, userMax: 10, spike: { suspect: 0.5, fail: 1 } });
    expect(
      resolveThresholds({ measurement: 'lvl', unit: 'm', qc: { ...device.sensors[0]!.qc!, enabled: false } })
        .enabled,
    ).toBe(false);
  });
});
