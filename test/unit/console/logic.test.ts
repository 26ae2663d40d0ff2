import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldIssues, toApiError } from '../../../console/src/lib/errors';
import { MAX_BUCKETS, MAX_RAW_POINTS, RANGES, resolutionFor } from '../../../console/src/lib/ranges';
import { appendLatest, intervalMs, mergeLatest } from '../../../console/src/lib/readings';
import { applyDeviceEvent } from '../../../console/src/lib/devices';
import { allPages } from '../../../console/src/lib/paging';
import { ALL_CAPABILITIES } from '../../../console/src/graphql/capabilities';
import { formOf, updateInput } from '../../../console/src/lib/config-form';
import { parseRoute } from '../../../console/src/lib/router';
import type { Reading } from '../../../console/src/lib/types';
import { deviceFixture, sensorFixture } from '../../helpers/device-fixtures';

const reading = (time: string, value: number): Reading => ({
  deviceId: 'b1',
  sensor: 'ph',
  time,
  value,
  raw: value,
  unit: null,
  outOfRange: false,
  configVersion: 1,
});

describe('errors', () => {
  it("splits the API's ValidationError message into one message per field", () => {
    expect(
      fieldIssues('input.name: must not be empty; input.sensors.0.min: must be at most 5; or less'),
    ).toEqual({
      'input.name': 'must not be empty',
      'input.sensors.0.min': 'must be at most 5; or less',
    });
  });

  it('keeps the errorType of a GraphQL error and adds what to do', () => {
    const e = toApiError({ errors: [{ message: 'config version 3 is not 2', errorType: 'Conflict' }] });
    expect(e.errorType).toBe('Conflict');
    expect(e.message).toMatch(/reload and try again/);
  });
});

describe('chart resolution', () => {
  it('charts raw points while the range holds few readings, and buckets beyond', () => {
    expect(resolutionFor(3_600_000, 600_000).interval).toBeNull();
    expect(resolutionFor(7 * 86_400_000, 600_000).interval).toBeNull();
    expect(resolutionFor(30 * 86_400_000, 600_000).interval).toBe('3h');
    expect(resolutionFor(86_400_000, 1_000).interval).toBe('5m');
  });

  it('never asks for more raw points than MAX_RAW_POINTS or more buckets than MAX_BUCKETS', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RANGES.map((r) => r.ms)),
        fc.integer({ min: 1_000, max: 86_400_000 }),
        (range, every) => {
          const { interval } = resolutionFor(range, every);
          if (interval === null) expect(range / every).toBeLessThanOrEqual(MAX_RAW_POINTS);
          else expect(range / intervalMs(interval)).toBeLessThanOrEqual(MAX_BUCKETS);
        },
      ),
    );
  });
});

describe('live chart updates', () => {
  it('appends only readings newer than the last point', () => {
    const points = appendLatest([], reading('2026-12-01T10:00:00Z', 1));
    expect(appendLatest(points, reading('2026-12-01T10:00:00Z', 1))).toBe(points);
    expect(appendLatest(points, reading('2026-12-01T10:00:10Z', 2))).toHaveLength(2);
  });

  it('folds a reading into its bucket, or opens the next bucket', () => {
    let points = mergeLatest([], reading('2026-12-01T10:01:00Z', 4), 300_000, undefined);
    expect(points).toEqual([expect.objectContaining({ time: '2026-12-01T10:00:00.000Z', avg: 4, count: 1 })]);
    points = mergeLatest(points, reading('2026-12-01T10:02:00Z', 6), 300_000, '2026-12-01T10:01:00Z');
    expect(points).toEqual([expect.objectContaining({ avg: 5, min: 4, max: 6, count: 2 })]);
    // The same reading again (a poll that found nothing new) changes nothing.
    expect(mergeLatest(points, reading('2026-12-01T10:02:00Z', 6), 300_000, '2026-12-01T10:02:00Z')).toBe(
      points,
    );
    points = mergeLatest(points, reading('2026-12-01T10:05:00Z', 1), 300_000, '2026-12-01T10:02:00Z');
    expect(points).toHaveLength(2);
  });
});

describe('device list events', () => {
  it('replaces, adds in id order and removes on deletedAt', () => {
    const a = deviceFixture({ id: 'a' });
    const c = deviceFixture({ id: 'c' });
    let list = applyDeviceEvent([a, c], deviceFixture({ id: 'b' }));
    expect(list.map((d) => d.id)).toEqual(['a', 'b', 'c']);
    list = applyDeviceEvent(list, deviceFixture({ id: 'a', configStatus: 'APPLIED' }));
    expect(list[0]!.configStatus).toBe('APPLIED');
    list = applyDeviceEvent(list, deviceFixture({ id: 'c', deletedAt: '2026-12-01T10:00:00Z' }));
    expect(list.map((d) => d.id)).toEqual(['a', 'b']);
  });
});

describe('paged reads', () => {
  /** An API that serves `total` numbered items, `limit` a page, recording each request's variables. */
  function pagedApi(total: number) {
    const calls: Record<string, unknown>[] = [];
    const request = async (_name: string, variables: Record<string, unknown> = {}) => {
      calls.push(variables);
      const start = variables.nextToken ? Number(variables.nextToken) : 0;
      const end = Math.min(start + (variables.limit as number), total);
      const items = Array.from({ length: end - start }, (_, i) => start + i);
      return { items, nextToken: end < total ? String(end) : null } as never;
    };
    return { api: { capabilities: ALL_CAPABILITIES, request, subscribe: () => () => undefined }, calls };
  }

  it('follows nextToken to the last page, passing the variables through', async () => {
    const { api, calls } = pagedApi(7);
    expect(await allPages<number>(api, 'alerts', { limit: 3, state: 'OPEN' }, 100)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect(calls).toEqual([
      { limit: 3, state: 'OPEN', nextToken: null },
      { limit: 3, state: 'OPEN', nextToken: '3' },
      { limit: 3, state: 'OPEN', nextToken: '6' },
    ]);
  });

  it('stops asking once it holds at least max items', async () => {
    const { api, calls } = pagedApi(1000);
    expect(await allPages<number>(api, 'devices', { limit: 10 }, 25)).toHaveLength(30);
    expect(calls).toHaveLength(3);
  });
});

/** A pH probe's two-point calibration: 0 counts are pH 0, full scale (4095) is pH 14. */
const PH_POINTS = [
  { raw: 0, actual: 0 },
  { raw: 4095, actual: 14 },
];

describe('config form', () => {
  const device = deviceFixture({
    sensors: [
      sensorFixture('ph', {
        min: 1,
        calibration: {
          points: PH_POINTS,
          calibratedAt: null,
        },
      }),
    ],
  });

  it('sends nothing when nothing changed', () => {
    expect(updateInput(device, formOf(device))).toEqual({ input: null, issues: {} });
  });

  it('round-trips calibration points through the text field', () => {
    const form = formOf(device);
    expect(form.sensors[0]!.calibration).toBe('0=0; 4095=14');
    form.sensors[0]!.max = '14';
    const { input } = updateInput(device, form);
    expect(input!.sensors).toEqual([
      expect.objectContaining({
        id: 'ph',
        min: 1,
        max: 14,
        calibration: { points: PH_POINTS },
      }),
    ]);
  });

  it('asks for both coordinates or neither', () => {
    const form = { ...formOf(device), latitude: '49.19' };
    expect(updateInput(device, form).issues).toEqual({ 'input.location': expect.stringContaining('both') });
  });
});

describe('routes', () => {
  it('reads a station id and a query from the hash', () => {
    const route = parseRoute('#/stations/buoy%2F1?x=1');
    expect(route.path).toEqual(['stations', 'buoy/1']);
    expect(route.query.get('x')).toBe('1');
  });
});
