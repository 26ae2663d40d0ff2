import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateSensor,
  newTracker,
  type RuleReading,
  type RuleSensor,
  type Tracker,
  type Transition,
} from '../../../core/alerts/rules';
import type { AlertSlot } from '../../../core/alerts/model';

const ph = (over: Partial<RuleSensor> = {}): RuleSensor => ({
  id: 'ph',
  min: 6,
  max: 9,
  alertsEnabled: true,
  alert: { afterReadings: 3, deadband: 0.5 },
  ...over,
});

const series = (...values: number[]): RuleReading[] =>
  values.map((value, i) => ({ time: 1000 * (i + 1), value }));
const from = (start: number, ...values: number[]): RuleReading[] =>
  values.map((value, i) => ({ time: start + 1000 * i, value }));

/** Runs readings through the rule in batches, applying transitions to the slot as the store would. */
function run(sensor: RuleSensor, batches: RuleReading[][], start?: { slot?: AlertSlot; tracker?: Tracker }) {
  let slot = start?.slot;
  let tracker = start?.tracker ?? newTracker();
  const all: Transition[] = [];
  for (const batch of batches) {
    const result = evaluateSensor(sensor, slot, tracker, batch);
    tracker = result.tracker;
    for (const t of result.transitions) {
      all.push(t);
      if (t.type === 'open')
        slot = {
          ...slot,
          alertId: `a${t.openedAt}`,
          kind: t.kind,
          openedAt: t.openedAt,
          threshold: t.threshold,
        };
      if (t.type === 'resolve') slot = { resolvedThrough: t.at };
    }
  }
  return { transitions: all, slot, tracker };
}

describe('evaluateSensor', () => {
  it('keeps an open alert when a fresh tracker gets a reading from before its first breach', () => {
    const slot: AlertSlot = { alertId: 'a10000', kind: 'HIGH', openedAt: 10_000, threshold: 9 };
    const { transitions, slot: after } = run(ph(), [[{ time: 9000, value: 7 }]], { slot });
    expect(transitions).toEqual([]);
    expect(after).toEqual(slot);
    // A reading inside the limits after the first breach still resolves it.
    const later = run(ph(), [[{ time: 12_000, value: 7 }]], { slot });
    expect(later.transitions).toEqual([{ type: 'resolve', at: 12_000, lastValue: 7 }]);
  });

  it('opens nothing for a breach shorter than afterReadings', () => {
    const { transitions } = run(ph(), [series(7, 9.5, 9.6, 7, 9.7, 9.8, 7)]);
    expect(transitions).toEqual([]);
  });

  it('opens exactly one alert for a breach that lasts, at the time of its first reading', () => {
    const { transitions } = run(ph(), [series(7, 9.5, 9.6), from(4000, 9.8, 9.9, 10.1)]);
    expect(transitions.filter((t) => t.type === 'open')).toEqual([
      { type: 'open', kind: 'HIGH', openedAt: 2000, threshold: 9, worstValue: 9.8, lastValue: 9.8, at: 4000 },
    ]);
    expect(transitions.filter((t) => t.type === 'worse').at(-1)).toMatchObject({ worstValue: 10.1 });
  });

  it('waits for afterMinutes too when the rule names a duration', () => {
    const sensor = ph({ alert: { afterReadings: 1, deadband: 0, afterMinutes: 2 } });
    const minutes = (...values: number[]) => values.map((value, i) => ({ time: 60_000 * i, value }));
    expect(run(sensor, [minutes(9.5, 9.6)]).transitions).toEqual([]);
    expect(run(sensor, [minutes(9.5, 9.6, 9.7)]).transitions).toEqual([
      { type: 'open', kind: 'HIGH', openedAt: 0, threshold: 9, worstValue: 9.7, lastValue: 9.7, at: 120_000 },
    ]);
  });

  it('opens LOW below min with min as the threshold', () => {
    const { transitions } = run(ph({ alert: { afterReadings: 1, deadband: 0 } }), [series(5.5)]);
    expect(transitions).toEqual([
      { type: 'open', kind: 'LOW', openedAt: 1000, threshold: 6, worstValue: 5.5, lastValue: 5.5, at: 1000 },
    ]);
  });

  it('does not close on a return inside the deadband, and closes past it', () => {
    const open = run(ph(), [series(9.5, 9.6, 9.7)]);
    expect(open.slot?.alertId).toBeDefined();
    const inside = run(ph(), [[{ time: 4000, value: 8.8 }]], { slot: open.slot!, tracker: open.tracker });
    expect(inside.transitions).toEqual([]);
    const past = run(ph(), [[{ time: 5000, value: 8.4 }]], { slot: inside.slot!, tracker: inside.tracker });
    expect(past.transitions).toEqual([{ type: 'resolve', at: 5000, lastValue: 8.4 }]);
  });

  it('never reopens for a breach at or before the last resolution', () => {
    const resolved: AlertSlot = { resolvedThrough: 5000 };
    const { transitions } = run(
      ph({ alert: { afterReadings: 1, deadband: 0 } }),
      [series(9.5, 9.6, 9.7, 9.8)],
      {
        slot: resolved,
      },
    );
    expect(transitions).toEqual([]);
  });

  it('resolves an open alert once its rule is switched off', () => {
    const slot: AlertSlot = { alertId: 'a1', kind: 'HIGH', openedAt: 1000, threshold: 9 };
    const { transitions } = run(ph({ alertsEnabled: false }), [[{ time: 2000, value: 12 }]], { slot });
    expect(transitions).toEqual([{ type: 'resolve', at: 2000, lastValue: 12 }]);
  });

  it('evaluates one batch in time order whatever order its readings came in', () => {
    const ordered = run(ph(), [series(7, 9.5, 9.6, 9.7, 8)]);
    const shuffled = run(ph(), [[...series(7, 9.5, 9.6, 9.7, 8)].reverse()]);
    expect(shuffled.transitions).toEqual(ordered.transitions);
  });

  it('leaves the same transitions when the same readings come again, three times and out of order', () => {
    const value = fc.oneof(fc.double({ min: 4, max: 11, noNaN: true }), fc.constantFrom(5.9, 6, 9, 9.1));
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer(),
        (values, afterReadings, batchSize, seed) => {
          const sensor = ph({ alert: { afterReadings, deadband: 0.25 } });
          const readings = series(...values);
          const batches: RuleReading[][] = [];
          for (let i = 0; i < readings.length; i += batchSize) batches.push(readings.slice(i, i + batchSize));
          const once = run(sensor, batches);
          // Two more deliveries of every message, shuffled: nothing more happens.
          const shuffled = [...readings, ...readings].sort(
            (a, b) => ((a.time * 31 + seed) % 7) - ((b.time * 31 + seed) % 7),
          );
          const again = run(sensor, [shuffled], { slot: once.slot!, tracker: once.tracker });
          expect(again.transitions).toEqual([]);
          // At most one open alert at a time: opens and resolves alternate.
          const kinds = once.transitions.filter((t) => t.type !== 'worse').map((t) => t.type);
          kinds.forEach((k, i) => expect(k).toBe(i % 2 === 0 ? 'open' : 'resolve'));
        },
      ),
    );
  });
});
