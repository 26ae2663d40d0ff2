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
  it('reads a device once within the TTL and again after it', async () => {
    const { cache, source, advance } = setup();
    await cache.get('b1');
    await cache.get('b1');
    advance(59_999);
    await cache.get('b1');
    expect(source.reads).toBe(1);
    advance(2);
    await cache.get('b1');
    expect(source.reads).toBe(2);
  });

  it('shares one read between concurrent misses', async () => {
    const { cache, source } = setup();
    await Promise.all([cache.get('b1'), cache.get('b1'), cache.get('b1')]);
    expect(source.reads).toBe(1);
  });

  it('remembers an unknown device for the negative TTL', async () => {
    const { cache, source, advance } = setup();
    expect(await cache.get('ghost')).toBeUndefined();
    await cache.get('ghost');
    expect(source.reads).toBe(1);
    advance(30_001);
    await cache.get('ghost');
    expect(source.reads).toBe(2);
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
