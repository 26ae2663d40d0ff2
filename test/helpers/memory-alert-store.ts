import type {
  AlertListQuery,
  AlertStore,
  SlotResolution,
  SlotWrite,
  WatchedDevice,
  WorseValue,
} from '../../core/alerts/alert-store';
import { isWorse } from '../../core/alerts/rules';
import type { AlertSlot } from '../../core/alerts/model';
import type { Alert } from '../../core/generated/graphql';
import type { Page } from '../../core/shared/pagination';

/**
 * An AlertStore in memory with the DynamoDB adapter's conditions (open only
 * into a free slot and after its resolvedThrough; resolve only the open
 * alert; record only a worse value), for unit tests of the service; the
 * shared contract (alert-store-contract.ts) holds it to the adapter. Silence
 * watches are not kept: expiredWatches finds none.
 */
export class MemoryAlertStore implements AlertStore {
  readonly slots = new Map<string, AlertSlot>();
  readonly alerts = new Map<string, Alert>();
  writes = 0;

  async open(deviceId: string, rule: string, slot: AlertSlot, alert: Alert): Promise<SlotWrite<Alert>> {
    this.writes++;
    const current = this.slots.get(`${deviceId}/${rule}`);
    if (current?.alertId || (current?.resolvedThrough ?? -Infinity) >= (slot.openedAt ?? 0))
      return { ok: false, current };
    this.slots.set(`${deviceId}/${rule}`, slot);
    this.alerts.set(alert.id, { ...alert });
    return { ok: true, value: alert };
  }

  async recordWorse({ alert, worstValue, lastValue, at }: WorseValue): Promise<void> {
    this.writes++;
    const a = this.alerts.get(alert.id);
    if (!a || a.state === 'RESOLVED') return;
    if (isWorse(alert.kind, worstValue, a.worstValue))
      Object.assign(a, { worstValue, lastValue, updatedAt: at });
  }

  async resolve(resolution: SlotResolution): Promise<SlotWrite<Alert | undefined>> {
    const { deviceId, rule, alertId, resolvedThrough, lastValue, at } = resolution;
    this.writes++;
    const current = this.slots.get(`${deviceId}/${rule}`);
    if (current?.alertId !== alertId) return { ok: false, current };
    this.slots.set(`${deviceId}/${rule}`, { resolvedThrough });
    const a = this.alerts.get(alertId);
    if (a && a.state !== 'RESOLVED')
      Object.assign(a, {
        state: 'RESOLVED',
        resolvedAt: at,
        updatedAt: at,
        ...(lastValue === null ? {} : { lastValue }),
      });
    return { ok: true, value: a && { ...a } };
  }

  async acknowledge(id: string, by: string, note: string | null, at: string): Promise<Alert | undefined> {
    const a = this.alerts.get(id);
    if (!a || a.state !== 'OPEN') return undefined;
    Object.assign(a, {
      state: 'ACKNOWLEDGED',
      acknowledgedBy: by,
      acknowledgedAt: at,
      updatedAt: at,
      ...(note === null ? {} : { note }),
    });
    return { ...a };
  }

  async get(id: string): Promise<Alert | undefined> {
    const a = this.alerts.get(id);
    return a && { ...a };
  }

  async list(query: AlertListQuery): Promise<Page<Alert>> {
    const items = [...this.alerts.values()]
      .filter(
        (a) =>
          (!query.deviceId || a.deviceId === query.deviceId) && (!query.state || a.state === query.state),
      )
      .sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1));
    return { items: items.slice(0, query.limit), nextToken: null };
  }

  expiredWatches = async (): Promise<WatchedDevice[]> => [];
  openSilence = async (): Promise<SlotWrite<Alert>> => ({ ok: false, current: undefined });
  dropWatch = async (): Promise<void> => undefined;

  async unresolvedOf(deviceId: string): Promise<Alert[]> {
    return [...this.alerts.values()].filter((a) => a.deviceId === deviceId && a.state !== 'RESOLVED');
  }

  async resolveOrphan(alertId: string, at: string): Promise<Alert | undefined> {
    const a = this.alerts.get(alertId);
    if (!a || a.state === 'RESOLVED') return undefined;
    Object.assign(a, { state: 'RESOLVED', resolvedAt: at, updatedAt: at });
    return { ...a };
  }

  async readSlot(deviceId: string, rule: string): Promise<AlertSlot | undefined> {
    return this.slots.get(`${deviceId}/${rule}`);
  }
}
