import type { Alert, AlertState } from '../generated/graphql';
import type { Page } from '../shared/pagination';
import type { AlertSlot, AlertSlots } from './model';

/** The result of a write conditional on a rule's slot: done, or the slot as it really is. */
export type SlotWrite<T = void> = { ok: true; value: T } | { ok: false; current: AlertSlot | undefined };

/** A device whose silence deadline has passed, as the silence watch (gsi3) returns it. */
export interface WatchedDevice {
  id: string;
  name: string;
  enabled: boolean;
  sensorIntervalMs: number;
  silenceAfterIntervals: number;
  lastSeenAt: string | null;
  /** The watch key read (gsi3sk); the open is conditional on it, so a reading that moved it wins. */
  watchKey: string;
  deadline: string;
  alertSlots: AlertSlots;
}

/** The end of one alert: whose slot it held, until when its rule has seen readings, and its last value. */
export interface SlotResolution {
  deviceId: string;
  rule: string;
  alertId: string;
  /** Readings up to this time (epoch ms) are accounted for; an open needs a breach after it. */
  resolvedThrough: number;
  /** The value that ended it, or null when it ended without one (silence, a config change). */
  lastValue: number | null;
  at: string;
}

/** A worse value of an open alert, as recordWorse writes it. */
export interface WorseValue {
  alert: Pick<Alert, 'id' | 'kind'>;
  /** The new worst value: higher for a HIGH alert, lower for a LOW one. */
  worstValue: number;
  lastValue: number;
  at: string;
}

export interface AlertListQuery {
  deviceId?: string;
  state?: AlertState;
  limit: number;
  nextToken?: string | null;
}

/**
 * The alert table port. Every state change is a write conditional on the
 * rule's slot on the device item (open: no alert open and the breach is newer
 * than the last resolution; resolve: this alert is the open one), so
 * concurrent processors and redelivered messages never make a second alert.
 */
export interface AlertStore {
  /** Claims the rule's slot for a new alert, then writes the alert item. */
  open(deviceId: string, rule: string, slot: AlertSlot, alert: Alert): Promise<SlotWrite<Alert>>;
  /** Records a worse value of an open alert (a no-op when it is resolved or already worse). */
  recordWorse(worse: WorseValue): Promise<void>;
  /** Frees the rule's slot (keeping `resolvedThrough`), then marks the alert RESOLVED. */
  resolve(resolution: SlotResolution): Promise<SlotWrite<Alert | undefined>>;
  /** OPEN -> ACKNOWLEDGED; undefined when the alert is not OPEN (the caller reads why). */
  acknowledge(id: string, by: string, note: string | null, at: string): Promise<Alert | undefined>;
  get(id: string): Promise<Alert | undefined>;
  /** Newest first; one Query per page on gsi1 (all) or gsi2 (one device), never a Scan. */
  list(query: AlertListQuery): Promise<Page<Alert>>;
  /** Devices whose silence deadline is before `nowIso` (one Query of gsi3). */
  expiredWatches(nowIso: string, limit: number): Promise<WatchedDevice[]>;
  /** Opens the silence alert and takes the device off the watch, only while the watch key is unchanged. */
  openSilence(device: WatchedDevice, slot: AlertSlot, alert: Alert): Promise<SlotWrite<Alert>>;
  /** Takes a device off the watch (disabled, or silence alerts off), only while the key is unchanged. */
  dropWatch(deviceId: string, watchKey: string): Promise<void>;
  /** A device's alerts that are not RESOLVED (gsi2, newest first), for a config change to review. */
  unresolvedOf(deviceId: string): Promise<Alert[]>;
  /** Marks an alert RESOLVED without a slot (its device is gone); undefined when it already was. */
  resolveOrphan(alertId: string, at: string): Promise<Alert | undefined>;
  /** One rule's slot, read after a conditional write found it changed. */
  readSlot(deviceId: string, rule: string): Promise<AlertSlot | undefined>;
}
