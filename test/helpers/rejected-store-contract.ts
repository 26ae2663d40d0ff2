import { describe, expect, it } from 'vitest';
import type { RejectedMessage } from '../../core/generated/graphql';
import type { RejectedMessageStore } from '../../core/rejected';
import { NotFoundError } from '../../core/shared/errors';
import { allPages } from '../../testkit/pages';

const T0 = Date.UTC(2026, 10, 27);

/** A kept message of `deviceId`, received `minutes` after T0. */
const rejected = (id: string, deviceId: string | null, minutes: number): RejectedMessage => ({
  id,
  deviceId,
  topic: `devices/${deviceId ?? 'x'}/readings`,
  payload: '{"readings":{"ph":1}}',
  payloadEncoding: 'utf8',
  reason: `unknown device "${deviceId}"`,
  receivedAt: new Date(T0 + minutes * 60_000).toISOString(),
  replayCount: 0,
  lastReplayedAt: null,
});

/**
 * What every RejectedMessageStore promises, run against the DynamoDB adapter
 * (on dynalite) and the in-memory store the processor unit tests use, so the
 * fake cannot drift from the real thing. `fresh` gives an empty store for
 * each test.
 */
export function describeRejectedStoreContract(
  name: string,
  fresh: () => Promise<RejectedMessageStore>,
): void {
  describe(`RejectedMessageStore contract: ${name}`, () => {
    it('keeps a message and answers undefined for an id it does not hold', async () => {
      const store = await fresh();
      await store.put(rejected('r1', 'b1', 0));
      expect(await store.get('r1')).toEqual(rejected('r1', 'b1', 0));
      expect(await store.get('nope')).toBeUndefined();
    });

    it('keeps the first of two puts of the same id, as a redelivery does', async () => {
      const store = await fresh();
      await store.put(rejected('r1', 'b1', 0));
      await store.put({ ...rejected('r1', 'b1', 0), reason: 'second' });
      expect((await store.get('r1'))?.reason).toBe('unknown device "b1"');
    });

    it("lists one device's messages newest first, page by page, and no other device's", async () => {
      const store = await fresh();
      for (let i = 0; i < 5; i++) await store.put(rejected(`b1-${i}`, 'b1', i));
      await store.put(rejected('other', 'b2', 9));
      const pages = await allPages((nextToken) => store.list({ deviceId: 'b1', limit: 2, nextToken }));
      for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(2);
      const newestFirst = [4, 3, 2, 1, 0].map((i) => `b1-${i}`);
      expect(pages.flatMap((p) => p.items.map((m) => m.id))).toEqual(newestFirst);
    });

    it('lists the messages of all devices, and of none, newest first', async () => {
      const store = await fresh();
      await store.put(rejected('a', 'b1', 1));
      await store.put(rejected('c', null, 3));
      await store.put(rejected('b', 'b2', 2));
      const pages = await allPages((nextToken) => store.list({ limit: 10, nextToken }));
      expect(pages.flatMap((p) => p.items.map((m) => m.id))).toEqual(['c', 'b', 'a']);
    });

    it('counts a replay rejected again, with its time and new reason, and returns the message as stored', async () => {
      const store = await fresh();
      await store.put(rejected('r1', 'b1', 0));
      await store.recordReplay('r1', '2026-11-28T00:00:00.000Z', 'first');
      const again = await store.recordReplay('r1', '2026-11-29T00:00:00.000Z', 'second');
      const expected = {
        ...rejected('r1', 'b1', 0),
        replayCount: 2,
        lastReplayedAt: '2026-11-29T00:00:00.000Z',
        reason: 'second',
      };
      expect(again).toEqual(expected);
      expect(await store.get('r1')).toEqual(expected);
    });

    it('refuses to count a replay of a message it does not hold with NotFound, and creates nothing', async () => {
      const store = await fresh();
      await expect(store.recordReplay('ghost', 'now', 'r')).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.get('ghost')).toBeUndefined();
    });

    it('deletes a message, and deleting it again is no error', async () => {
      const store = await fresh();
      await store.put(rejected('r1', 'b1', 0));
      await store.delete('r1');
      await store.delete('r1');
      expect(await store.get('r1')).toBeUndefined();
      expect((await store.list({ deviceId: 'b1', limit: 10 })).items).toEqual([]);
    });
  });
}
