import { describe, expect, it } from 'vitest';
import type { AlertStore } from '../../core/alerts/alert-store';
import { alertIdOf } from '../../core/alerts/model';
import type { Alert } from '../../core/generated/graphql';

const T0 = Date.UTC(2026, 10, 27, 8);
const iso = (ms: number) => new Date(ms).toISOString();
const RULE = 'HIGH:ph';

/** An OPEN HIGH pH alert of `deviceId` whose first breaching reading was at `openedAt`. */
const highPh = (deviceId: string, openedAt = T0, over: Partial<Alert> = {}): Alert => ({
  id: alertIdOf(deviceId, 'HIGH', 'ph', openedAt),
  deviceId,
  sensor: 'ph',
  kind: 'HIGH',
  state: 'OPEN',
  openedAt: iso(openedAt),
  acknowledgedAt: null,
  acknowledgedBy: null,
  note: null,
  resolvedAt: null,
  threshold: 8.5,
  worstValue: 9,
  lastValue: 9,
  updatedAt: iso(openedAt),
  ...over,
});

const slotOf = (a: Alert) => ({
  alertId: a.id,
  kind: a.kind,
  openedAt: Date.parse(a.openedAt),
  threshold: a.threshold,
  worstValue: a.worstValue,
});

/** An empty store, and a way to add a device whose rule slots the store may claim. */
export interface AlertStoreUnderTest {
  store: AlertStore;
  addDevice(id: string): Promise<void>;
}

/**
 * What every AlertStore promises for threshold alerts, run against the
 * DynamoDB adapter (on dynalite) and the in-memory store the alert service
 * unit tests use, so the fake cannot drift from the conditions of the real
 * one. `fresh` gives an empty store for each test.
 */
export function describeAlertStoreContract(name: string, fresh: () => Promise<AlertStoreUnderTest>): void {
  describe(`AlertStore contract: ${name}`, () => {
    async function withOpenAlert(deviceId = 'b1') {
      const sut = await fresh();
      await sut.addDevice(deviceId);
      const alert = highPh(deviceId);
      expect(await sut.store.open(deviceId, RULE, slotOf(alert), alert)).toEqual({ ok: true, value: alert });
      return { ...sut, alert };
    }

    it('opens an alert into a free slot and refuses a second while it is open, answering the slot', async () => {
      const { store, alert } = await withOpenAlert();
      expect(await store.get(alert.id)).toEqual(alert);
      expect(await store.readSlot('b1', RULE)).toEqual(slotOf(alert));
      const later = highPh('b1', T0 + 60_000);
      expect(await store.open('b1', RULE, slotOf(later), later)).toEqual({
        ok: false,
        current: slotOf(alert),
      });
      expect(await store.get(later.id)).toBeUndefined();
    });

    it('resolves only the alert holding the slot, keeping resolvedThrough, and opens again only after it', async () => {
      const { store, alert } = await withOpenAlert();
      const at = iso(T0 + 120_000);
      expect(
        await store.resolve({
          deviceId: 'b1',
          rule: RULE,
          alertId: 'someone-else',
          resolvedThrough: T0 + 60_000,
          lastValue: 7,
          at,
        }),
      ).toEqual({
        ok: false,
        current: slotOf(alert),
      });
      const resolved = await store.resolve({
        deviceId: 'b1',
        rule: RULE,
        alertId: alert.id,
        resolvedThrough: T0 + 60_000,
        lastValue: 7,
        at,
      });
      const expected = { ...alert, state: 'RESOLVED', resolvedAt: at, updatedAt: at, lastValue: 7 };
      expect(resolved).toEqual({ ok: true, value: expected });
      expect(await store.get(alert.id)).toEqual(expected);
      expect(await store.readSlot('b1', RULE)).toEqual({ resolvedThrough: T0 + 60_000 });
      const tooEarly = highPh('b1', T0 + 60_000);
      expect((await store.open('b1', RULE, slotOf(tooEarly), tooEarly)).ok).toBe(false);
      const next = highPh('b1', T0 + 60_001);
      expect((await store.open('b1', RULE, slotOf(next), next)).ok).toBe(true);
    });

    it('acknowledges an OPEN alert once, and never a resolved or unknown one', async () => {
      const { store, alert } = await withOpenAlert();
      const at = iso(T0 + 30_000);
      const acked = {
        ...alert,
        state: 'ACKNOWLEDGED',
        acknowledgedBy: 'ada',
        acknowledgedAt: at,
        note: 'on it',
        updatedAt: at,
      };
      expect(await store.acknowledge(alert.id, 'ada', 'on it', at)).toEqual(acked);
      expect(await store.acknowledge(alert.id, 'bob', null, iso(T0 + 40_000))).toBeUndefined();
      expect(await store.get(alert.id)).toEqual(acked);
      expect(await store.acknowledge('nope', 'ada', null, at)).toBeUndefined();
    });

    it('records a worse value of an unresolved alert, not a better one, and nothing once resolved', async () => {
      const { store, alert } = await withOpenAlert();
      await store.recordWorse({ alert, worstValue: 9.5, lastValue: 9.5, at: iso(T0 + 10_000) });
      await store.recordWorse({ alert, worstValue: 9.2, lastValue: 9.2, at: iso(T0 + 20_000) });
      expect(await store.get(alert.id)).toMatchObject({
        worstValue: 9.5,
        lastValue: 9.5,
        updatedAt: iso(T0 + 10_000),
      });
      await store.resolveOrphan(alert.id, iso(T0 + 30_000));
      await store.recordWorse({ alert, worstValue: 12, lastValue: 12, at: iso(T0 + 40_000) });
      expect(await store.get(alert.id)).toMatchObject({ worstValue: 9.5, state: 'RESOLVED' });
    });

    it('resolves an orphaned alert once, and answers undefined for a resolved or unknown one', async () => {
      const { store, alert } = await withOpenAlert();
      const at = iso(T0 + 30_000);
      expect(await store.resolveOrphan(alert.id, at)).toEqual({
        ...alert,
        state: 'RESOLVED',
        resolvedAt: at,
        updatedAt: at,
      });
      expect(await store.resolveOrphan(alert.id, iso(T0 + 40_000))).toBeUndefined();
      expect(await store.resolveOrphan('nope', at)).toBeUndefined();
    });

    it('lists newest first, by device and by state, and the unresolved alerts of a device', async () => {
      const sut = await fresh();
      const opened: Alert[] = [];
      for (const [deviceId, minutes] of [
        ['b1', 0],
        ['b2', 1],
        ['b1', 2],
      ] as const) {
        await sut.addDevice(deviceId);
        const a = highPh(deviceId, T0 + minutes * 60_000);
        // One rule per alert, so each has a slot of its own.
        expect((await sut.store.open(deviceId, `HIGH:ph${minutes}`, slotOf(a), a)).ok).toBe(true);
        opened.push(a);
      }
      const [first, second, third] = opened as [Alert, Alert, Alert];
      await sut.store.acknowledge(first.id, 'ada', null, iso(T0 + 600_000));
      await sut.store.resolveOrphan(third.id, iso(T0 + 600_000));
      const ids = async (query: Parameters<AlertStore['list']>[0]) =>
        (await sut.store.list(query)).items.map((a) => a.id);
      expect(await ids({ limit: 10 })).toEqual([third.id, second.id, first.id]);
      expect(await ids({ deviceId: 'b1', limit: 10 })).toEqual([third.id, first.id]);
      expect(await ids({ state: 'OPEN', limit: 10 })).toEqual([second.id]);
      expect((await sut.store.unresolvedOf('b1')).map((a) => [a.id, a.state])).toEqual([
        [first.id, 'ACKNOWLEDGED'],
      ]);
    });
  });
}
