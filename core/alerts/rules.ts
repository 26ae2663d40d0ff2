import type { AlertKind, AlertRule } from '../generated/graphql';
import { DEFAULT_ALERT_RULE, type AlertSlot } from './model';

/** The parts of a sensor its threshold rule reads. */
export interface RuleSensor {
  id: string;
  /** A disabled sensor sends no readings, so it keeps no alert open (AlertService.configChanged). */
  enabled?: boolean | null;
  min?: number | null;
  max?: number | null;
  alertsEnabled?: boolean | null;
  /** Absent parts take the defaults (DEFAULT_ALERT_RULE). */
  alert?: { [K in keyof AlertRule]?: AlertRule[K] | null } | null;
}

/** One calibrated reading of one sensor, as the evaluator sees it. */
export interface RuleReading {
  /** Epoch ms (the device's time). */
  time: number;
  value: number;
}

/**
 * What this process remembers between batches about a rule's current breach:
 * the consecutive breaching readings seen so far and the newest reading
 * evaluated. It is memory only (no write while a breach is still shorter
 * than the rule): a cold start forgets a pending streak, which delays an
 * alert by at most `afterReadings` readings and never doubles one.
 */
export interface Tracker {
  /** Newest reading time evaluated; older readings (redelivered, late) are not evaluated again. */
  lastAt: number;
  streak: number;
  /** Time of the first reading of the streak. */
  since: number;
  kind: AlertKind | null;
  /** Worst value of the streak, or of the open alert. */
  worst: number | null;
}

/** A state change the evaluator asks to persist; everything else needs no write. */
export type Transition =
  | {
      type: 'open';
      kind: Extract<AlertKind, 'HIGH' | 'LOW'>;
      openedAt: number;
      threshold: number;
      worstValue: number;
      lastValue: number;
      /** Time of the last reading the open alert has seen. */
      at: number;
    }
  | { type: 'worse'; worstValue: number; lastValue: number; at: number }
  | { type: 'resolve'; at: number; lastValue: number };

export const newTracker = (): Tracker => ({
  lastAt: -Infinity,
  streak: 0,
  since: 0,
  kind: null,
  worst: null,
});

/** The breach a value makes, if any: above max is HIGH, below min is LOW. */
export function breachOf(sensor: RuleSensor, value: number): 'HIGH' | 'LOW' | null {
  if (typeof sensor.max === 'number' && value > sensor.max) return 'HIGH';
  if (typeof sensor.min === 'number' && value < sensor.min) return 'LOW';
  return null;
}

/** Whether a value is back inside the limits by at least the deadband: what closes an alert. */
export function isClear(sensor: RuleSensor, value: number): boolean {
  const deadband = sensor.alert?.deadband ?? DEFAULT_ALERT_RULE.deadband;
  if (typeof sensor.max === 'number' && value > sensor.max - deadband) return false;
  if (typeof sensor.min === 'number' && value < sensor.min + deadband) return false;
  return true;
}

/** Whether the sensor has a threshold rule at all: alerts enabled and at least one limit. */
export const hasThresholdRule = (sensor: RuleSensor): boolean =>
  sensor.alertsEnabled === true && (typeof sensor.min === 'number' || typeof sensor.max === 'number');

/**
 * Whether `candidate` is worse than the alert's `worst` so far: higher for a
 * HIGH alert, lower for a LOW one; any value is worse than none.
 */
export const isWorse = (
  kind: AlertKind | null | undefined,
  candidate: number,
  worst: number | null,
): boolean => worst === null || (kind === 'LOW' ? candidate < worst : candidate > worst);

/**
 * Runs one sensor's threshold rule over readings (any order; they are sorted
 * here). Pure: returns the tracker after them and the transitions to persist,
 * each meant to be written conditionally on the slot it was computed from.
 *
 * - A breach opens an alert once it has lasted `afterReadings` consecutive
 *   readings (and, with `afterMinutes`, that long since its first reading),
 *   unless it began at or before the slot's `resolvedThrough`.
 * - An open alert records a worse value, and resolves on the first reading
 *   inside the limits by the deadband. A rule switched off (alertsEnabled
 *   false, limits removed) resolves an open alert on the next reading.
 * - A reading not newer than the tracker's `lastAt` is skipped: a message
 *   delivered again, or a late one, changes nothing. So is a reading older
 *   than the open alert's first breach, which a fresh tracker cannot tell.
 */
export function evaluateSensor(
  sensor: RuleSensor,
  slot: AlertSlot | undefined,
  tracker: Tracker,
  readings: readonly RuleReading[],
): { tracker: Tracker; slot: AlertSlot | undefined; transitions: Transition[] } {
  const afterReadings = Math.max(1, sensor.alert?.afterReadings ?? DEFAULT_ALERT_RULE.afterReadings);
  const ruled = hasThresholdRule(sensor);
  const afterMs = (sensor.alert?.afterMinutes ?? 0) * 60_000;
  const t: Tracker = { ...tracker };
  let s: AlertSlot | undefined = slot ? { ...slot } : undefined;
  const transitions: Transition[] = [];
  const sorted = readings.length > 1 ? [...readings].sort((a, b) => a.time - b.time) : readings;
  let pendingWorse: Extract<Transition, { type: 'worse' }> | undefined;

  for (const r of sorted) {
    if (!(r.time > t.lastAt) || !Number.isFinite(r.value)) continue;
    t.lastAt = r.time;
    const open = typeof s?.alertId === 'string';
    if (open) {
      // A reading from before the breach that opened the alert is history: a container with a
      // cold tracker that gets it redelivered must not let it resolve a later episode.
      if (r.time < (s!.openedAt ?? -Infinity)) continue;
      if (ruled && !isClear(sensor, r.value)) {
        if (breachOf(sensor, r.value) && isWorse(s!.kind, r.value, t.worst ?? s!.worstValue ?? null)) {
          t.worst = r.value;
          pendingWorse = { type: 'worse', worstValue: r.value, lastValue: r.value, at: r.time };
        }
        continue;
      }
      if (pendingWorse) transitions.push(pendingWorse);
      pendingWorse = undefined;
      transitions.push({ type: 'resolve', at: r.time, lastValue: r.value });
      s = { resolvedThrough: r.time };
      Object.assign(t, { streak: 0, since: 0, kind: null, worst: null });
      continue;
    }
    const kind = ruled ? breachOf(sensor, r.value) : null;
    if (!kind) {
      Object.assign(t, { streak: 0, since: 0, kind: null, worst: null });
      continue;
    }
    if (t.streak > 0 && t.kind === kind) {
      t.streak++;
      if (isWorse(kind, r.value, t.worst)) t.worst = r.value;
    } else Object.assign(t, { streak: 1, since: r.time, kind, worst: r.value });
    const resolvedThrough = s?.resolvedThrough ?? -Infinity;
    const lastedLongEnough = !afterMs || r.time - t.since >= afterMs;
    if (t.streak >= afterReadings && lastedLongEnough && t.since > resolvedThrough) {
      const threshold = kind === 'HIGH' ? sensor.max! : sensor.min!;
      transitions.push({
        type: 'open',
        kind,
        openedAt: t.since,
        threshold,
        worstValue: t.worst!,
        lastValue: r.value,
        at: r.time,
      });
      s = { ...s, alertId: 'pending', kind, openedAt: t.since, threshold, worstValue: t.worst };
    }
  }
  if (pendingWorse) transitions.push(pendingWorse);
  return { tracker: t, slot: s, transitions };
}
