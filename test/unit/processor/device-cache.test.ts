import { describe, expect, it } from 'vitest';
import { DeviceCache } from '../../../processors/calibration/device-cache';
import { FakeDevices, device } from '../../../testkit/telemetry-fixtures';

function setup() {
  let now = 1_000_000;
  const source = new FakeDevices();
  const cache = new DeviceCache({ source, ttlMs: 60_000, negativeTtlMs: 30_000, clock: () => now });
  return { cache, source, advance: (ms: number) => (now += ms) };
}

describe('DeviceCache', () => {
  // A known device is kept for the TTL, an unknown one for the shorter negative TTL.
  it.each([
    { what: 'a device', id: 'b1', known: true, ttlMs: 60_000 },
    { what: 'an unknown device', id: 'ghost', known: false, ttlMs: 30_000 },
  ])('reads $what once within its TTL and again after it', async ({ id, known, ttlMs }) => {
    const { cache, source, advance } = setup();
    expect((await cache.get(id)) !== undefined).toBe(known);
    await cache.get(id);
    advance(ttlMs - 1);
    await cache.get(id);
    expect(source.reads).toBe(1);
    advance(2);
    await cache.get(id);
    expect(source.reads).toBe(2);
  });

  it('shares one read between concurrent misses', async () => {
    const { cache, source } = setup();
    await Promise.all([cache.get('b1'), cache.get('b1'), cache.get('b1')]);
    expect(source.reads).toBe(1);
  });

  it('refetches when an ack shows a newer configVersion, not an older or equal one', async () => {
    const { cache, source } = setup();
    await cache.get('b1'); // configVersion 3
    cache.observeVersion('b1', 3);
    await cache.get('b1');
    expect(source.reads).toBe(1);
    cache.observeVersion('b1', 4);
    await cache.get('b1');
    expect(source.reads).toBe(2);
  });

  it('serves a remembered device without a read', async () => {
    const { cache, source } = setup();
    cache.remember({ ...device('b1'), configVersion: 9 });
    expect((await cache.get('b1'))?.configVersion).toBe(9);
    expect(source.reads).toBe(0);
  });

  it('does not cache a failed read', async () => {
    const { cache, source } = setup();
    const get = source.get.bind(source);
    source.get = async () => {
      source.get = get;
      throw new Error('throttled');
    };
    await expect(cache.get('b1')).rejects.toThrow('throttled');
    expect(await cache.get('b1')).toBeDefined();
  });
});
