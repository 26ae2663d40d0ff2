import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertService, type AlertDevice } from '../../../core/alerts/alert-service';
import { evaluateSensor, newTracker } from '../../../core/alerts/rules';
import { MemoryAlertStore } from '../../helpers/memory-alert-store';

const device = (afterReadings: number): AlertDevice => ({
  id: 'b1',
  name: 'Buoy 1',
  enabled: true,
  sensorIntervalMs: 60_000,
  silenceAfterIntervals: 3,
  sensors: [
    { id: 'ph', min: 6, max: 9, alertsEnabled: true, alert: { afterReadings, deadband: 0.25 } },
    { id: 'tmp', min: null, max: null, alertsEnabled: false },
  ],
});

const records = (values: number[], from = 0) =>
  values.map((value, i) => ({
    time: (from + i + 1) * 1000,
    readings: [
      { sensor: 'ph', value },
      { sensor: 'tmp', value: 4 },
    ],
  }));

/** What the pure rule alone says about the whole series in one call: its opens and resolves, in order. */
function pure(values: number[], afterReadings: number): string[] {
  const sensor = device(afterReadings).sensors[0]!;
  const readings = records(values).map((x) => ({ time: x.time, value: x.readings[0]!.value }));
  return evaluateSensor(sensor, undefined, newTracker(), readings)
    .transitions.filter((t) => t.type !== 'worse')
    .map((t) => t.type);
}

describe('AlertService.evaluate', () => {
  it('reaches the same alerts as the pure rule whatever the batches, with its fast path for in-limit readings', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.double({ min: 5, max: 10, noNaN: true }), fc.constant(7)), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        async (values, afterReadings, size) => {
          const store = new MemoryAlertStore();
          const service = new AlertService({ store, clock: () => 0 });
          const d = device(afterReadings);
          const all = records(values);
          for (let i = 0; i < all.length; i += size)
            await service.evaluate([{ device: d, records: all.slice(i, i + size) }]);
          const states = [...store.alerts.values()].map((a) => a.state);
          const expected = pure(values, afterReadings);
          expect(states.length).toBe(expected.filter((t) => t === 'open').length);
          expect(states.filter((s) => s === 'RESOLVED').length).toBe(
            expected.filter((t) => t === 'resolve').length,
          );
        },
      ),
    );
  });

  it('makes no store call while every reading stays inside the limits', async () => {
    const store = new MemoryAlertStore();
    const service = new AlertService({ store });
    const d = device(1);
    for (let b = 0; b < 10; b++)
      await service.evaluate([{ device: d, records: records([7, 7.5, 8, 6.5], b * 4) }]);
    expect(store.writes).toBe(0);
    expect(service.writes).toBe(0);
  });

  it('skips the readings the quality predicate refuses (issue 16 passes qcFlag 4 = fail)', async () => {
    const store = new MemoryAlertStore();
    const service = new AlertService({ store, shouldEvaluate: (r) => r.qcFlag !== 4 });
    const d = device(1);
    await service.evaluate([
      { device: d, records: [{ time: 1000, readings: [{ sensor: 'ph', value: 12, qcFlag: 4 }] }] },
    ]);
    expect(store.alerts.size).toBe(0);
    await service.evaluate([
      { device: d, records: [{ time: 2000, readings: [{ sensor: 'ph', value: 12, qcFlag: 1 }] }] },
    ]);
    expect(store.alerts.size).toBe(1);
  });

  it('rolls a sensor back and reports the device when a transition cannot be written, so the retry opens it', async () => {
    const store = new MemoryAlertStore();
    const open = store.open.bind(store);
    let fail = true;
    store.open = async (...args) => {
      if (fail) throw new Error('throttled');
      return open(...args);
    };
    const service = new AlertService({ store });
    const d = device(1);
    const batch = { device: d, records: records([12]) };
    expect(await service.evaluate([batch])).toEqual(new Set(['b1']));
    fail = false;
    expect(await service.evaluate([batch])).toEqual(new Set());
    expect([...store.alerts.values()].map((a) => a.state)).toEqual(['OPEN']);
  });
});
