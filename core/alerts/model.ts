import type { Alert, AlertKind, AlertRule } from '../generated/graphql';

/** A breach opens an alert after this many consecutive readings unless the rule says otherwise (CONTRACT.md 5). */
export const DEFAULT_AFTER_READINGS = 1;
/** Deadband of a rule that names none: back inside the limits closes the alert at once. */
export const DEFAULT_DEADBAND = 0;
/** Sensor intervals without a reading before a silence alert opens (CONTRACT.md 5). */
export const DEFAULT_SILENCE_AFTER_INTERVALS = 3;
/** Bounds the validation enforces (a rule beyond them is a typo, not a policy). */
export const MAX_AFTER_READINGS = 1000;
export const MAX_SILENCE_AFTER_INTERVALS = 1000;
/** One day: a longer required duration is a typo. */
export const MAX_AFTER_MINUTES = 1440;

/** The rule of a sensor that names none. */
export const DEFAULT_ALERT_RULE: AlertRule = {
  afterReadings: DEFAULT_AFTER_READINGS,
  deadband: DEFAULT_DEADBAND,
  afterMinutes: null,
};

/**
 * The key of one rule on a device: a sensor id, or SILENCE_RULE. Sensor ids
 * are `[A-Za-z0-9_-]`, so `!silence` can never be a sensor's.
 */
export const SILENCE_RULE = '!silence';

/** The attribute on the device item that holds one rule's alert state (core/shared/table.ts). */
export const SLOT_PREFIX = 'alertSlot#';
export const slotAttribute = (rule: string): string => `${SLOT_PREFIX}${rule}`;

/**
 * What the device item keeps per rule: the open alert (if any) and the time
 * of the reading that resolved the last one. The conditional writes on it
 * are what keep one alert per episode (docs/ALERTS.md).
 */
export interface AlertSlot {
  /** Set while an alert of this rule is OPEN or ACKNOWLEDGED. */
  alertId?: string;
  kind?: AlertKind;
  /** Epoch ms of the open alert's first breaching reading. */
  openedAt?: number;
  threshold?: number | null;
  /** The worst value known when the slot was written. */
  worstValue?: number | null;
  /**
   * Epoch ms of the reading that resolved the last episode: a breach at or
   * before it is history (a redelivered or late message) and never reopens.
   */
  resolvedThrough?: number;
}

/** Every rule's slot of one device, by rule key. */
export type AlertSlots = Record<string, AlertSlot>;

/** The alert id of an episode: device, kind, sensor and the time of its first reading, so a retry writes the same item. */
export const alertIdOf = (
  deviceId: string,
  kind: AlertKind,
  sensor: string | null,
  openedAt: number,
): string => `${deviceId}:${kind}:${sensor ?? ''}:${openedAt}`;

/** Open (OPEN or ACKNOWLEDGED) alerts among a device's slots: `Device.openAlerts`. */
export const openAlertCount = (slots: AlertSlots | undefined): number =>
  slots ? Object.values(slots).filter((s) => typeof s.alertId === 'string').length : 0;

/** Reads the slots off a raw device item (attributes `alertSlot#<rule>`). */
export function slotsOfItem(item: Record<string, unknown>): AlertSlots {
  const slots: AlertSlots = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(SLOT_PREFIX) && typeof value === 'object' && value !== null) {
      slots[name.slice(SLOT_PREFIX.length)] = value as AlertSlot;
    }
  }
  return slots;
}

export type { Alert, AlertKind, AlertRule };
