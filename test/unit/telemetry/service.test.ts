import { describe, expect, it } from 'vitest';
import { TelemetryService, parseInterval } from '../../../core/telemetry';
import type { RangeQuery } from '../../../core/telemetry/types';

function service(sensors?: Record<string, string[]>) {
  const ranges: RangeQuery[] = [];
  const latestCalls: (readonly string[] | undefined)[] = [];
  const svc = new TelemetryService({
    store: {
      latest: async (deviceId, s) => {
        latestCalls.push(s);
        return ['tmp', 'ph'].map((sensor) => ({
          deviceId,
          sensor,
          time: '2026-11-27T00:00:00.000Z',
          value: 1,
          raw: 1,
          unit: null,
          outOfRange: false,
          qcFlag: 1,
          qcTests: [],
          configVersion: 1,
        }));
      },
      range: async (q) => {
        ranges.push(q);
        return { items: [], nextToken: null };
      },
    },
    ...(sensors ? { sensors: { sensorsOf: async (id: string) => sensors[id] } } : {}),
  });
  return { svc, ranges, latestCalls };
}

const base = {
  deviceId: 'b1',
  sensor: 'ph',
  from: '2026-11-26T00:00:00Z',
  to: '2026-11-27T00:00:00Z',
  interval: null,
  limit: null,
  nextToken: null,
};

describe('TelemetryService', () => {
  it('passes a checked range to the store in epoch ms with the interval in ms', async () => {
    const { svc, ranges } = service();
    await svc.readings({ ...base, interval: '5m', limit: 10 });
    expect(ranges).toEqual([
      {
        deviceId: 'b1',
        sensor: 'ph',
        from: Date.UTC(2026, 10, 26),
        to: Date.UTC(2026, 10, 27),
        intervalMs: 300_000,
        limit: 10,
      },
    ]);
  });

  it('refuses from after to, a bad interval, a bad limit and too long raw ranges', async () => {
    const { svc } = service();
    await expect(svc.readings({ ...base, from: base.to, to: base.from })).rejects.toMatchObject({
      errorType: 'ValidationError',
    });
    await expect(svc.readings({ ...base, interval: '5 minutes' })).rejects.toThrow(/interval/);
    await expect(svc.readings({ ...base, interval: '10s' })).rejects.toThrow(/from 1m to 31d/);
    await expect(svc.readings({ ...base, limit: 0 })).rejects.toThrow(/limit/);
    await expect(svc.readings({ ...base, from: '2026-01-01T00:00:00Z' })).rejects.toThrow(/31 days/);
    await expect(svc.readings({ ...base, from: 'yesterday' })).rejects.toThrow(/ISO-8601/);
    await expect(svc.readings({ ...base, sensor: 'p h' })).rejects.toThrow(/sensor/);
  });

  it('allows long ranges as buckets', async () => {
    const { svc, ranges } = service();
    await svc.readings({ ...base, from: '2026-01-01T00:00:00Z', interval: '1d' });
    expect(ranges).toHaveLength(1);
  });

  it('asks the store for the device sensors and sorts the latest readings by sensor', async () => {
    const { svc, latestCalls } = service({ b1: ['ph', 'tmp'] });
    const latest = await svc.latestReadings('b1');
    expect(latest.map((r) => r.sensor)).toEqual(['ph', 'tmp']);
    expect(latestCalls).toEqual([['ph', 'tmp']]);
  });

  it('answers no readings for a device that does not exist', async () => {
    const { svc, latestCalls } = service({});
    expect(await svc.latestReadings('ghost')).toEqual([]);
    expect(latestCalls).toEqual([]);
  });
});

describe('parseInterval', () => {
  it('reads minutes, hours and days', () => {
    expect(parseInterval('5m')).toBe(300_000);
    expect(parseInterval('1h')).toBe(3_600_000);
    expect(parseInterval('1d')).toBe(86_400_000);
    expect(parseInterval('120s')).toBe(120_000);
  });
});
