import type { Alert } from '../generated/graphql';
import { FULL_SELECTIONS } from '../generated/selections';

/** What happened to an alert. */
export type AlertChange = 'opened' | 'acknowledged' | 'resolved';

/** One alert change as notifications describe it. */
export interface AlertEvent {
  alert: Alert;
  change: AlertChange;
  /** The station's name as operators know it (the id when unknown). */
  deviceName: string;
  /** The sensor's unit, when the alert is a sensor's. */
  unit?: string | null;
}

/**
 * Fires `onAlertChanged`: in AWS the `@aws_iam` mutation `notifyAlertChanged`
 * signed with SigV4; locally the in-process backend call. acknowledgeAlert
 * fires it by itself (it is a subscribed mutation), so only the backend's
 * changes (open, resolve) go through here.
 */
export interface AlertPublisher {
  alertChanged(alert: Alert): Promise<void>;
}

/** A notification for people, in the words it is sent with. */
export interface AlertNotification {
  alertId: string;
  deviceId: string;
  change: AlertChange;
  subject: string;
  /** Plain text, for email. */
  text: string;
  /** At most 140 characters (one SMS segment is 140 bytes in GSM-7 7-bit packing of 160 characters). */
  sms: string;
  at: string;
}

/**
 * Sends a notification to the people who opted in (profile notifyByEmail /
 * notifyBySms, followedDeviceIds): SNS in AWS, where each profile's
 * subscription filter picks the stations; the outbox folder locally.
 */
export interface NotificationSender {
  send(notification: AlertNotification): Promise<void>;
}

/** The mutation the backend fires onAlertChanged with. */
export const NOTIFY_ALERT_MUTATION_NAME = 'notifyAlertChanged';

/**
 * Every field of Alert, generated from the schema (core/generated/selections.ts):
 * AppSync sends subscribers only what the triggering mutation selected.
 */
export const ALERT_SELECTION = FULL_SELECTIONS.Alert;

export const NOTIFY_ALERT_MUTATION = `mutation($id: ID!){ ${NOTIFY_ALERT_MUTATION_NAME}(id: $id) ${ALERT_SELECTION} }`;

const fmt = (value: number | null | undefined, unit?: string | null): string =>
  value === null || value === undefined ? 'n/a' : `${value}${unit ? ` ${unit}` : ''}`;

/**
 * The words of a notification: station, sensor, value, limit, time and the
 * state change, so it is understood without opening the dashboard.
 */
export function describeAlert(event: AlertEvent): AlertNotification {
  const { alert, change, deviceName, unit } = event;
  const station = deviceName === alert.deviceId ? alert.deviceId : `${deviceName} (${alert.deviceId})`;
  const at =
    change === 'opened'
      ? alert.openedAt
      : change === 'resolved'
        ? (alert.resolvedAt ?? alert.updatedAt)
        : (alert.acknowledgedAt ?? alert.updatedAt);
  const what =
    alert.kind === 'SILENT'
      ? `no data for ${fmt(alert.threshold)} s`
      : `${alert.sensor} ${alert.kind === 'HIGH' ? 'above max' : 'below min'} ${fmt(alert.threshold, unit)}`;
  const verb = change === 'opened' ? 'OPEN' : change === 'resolved' ? 'RESOLVED' : 'ACKNOWLEDGED';
  const subject = `[${verb}] ${station}: ${what}`.slice(0, 100);
  const lines = [
    `Station: ${station}`,
    `Alert: ${alert.kind}${alert.sensor ? ` on sensor ${alert.sensor}` : ''}`,
    `State: ${change === 'opened' ? 'opened' : change === 'resolved' ? 'OPEN/ACKNOWLEDGED -> RESOLVED' : 'OPEN -> ACKNOWLEDGED'}`,
    `Limit: ${alert.kind === 'SILENT' ? `${fmt(alert.threshold)} s without a reading` : fmt(alert.threshold, unit)}`,
    ...(alert.kind === 'SILENT'
      ? []
      : [`Value: ${fmt(alert.lastValue, unit)} (worst ${fmt(alert.worstValue, unit)})`]),
    `Time: ${at}`,
    `Opened: ${alert.openedAt}`,
    ...(alert.acknowledgedBy
      ? [`Acknowledged by: ${alert.acknowledgedBy}${alert.note ? `: ${alert.note}` : ''}`]
      : []),
    `Alert id: ${alert.id}`,
  ];
  const value = alert.kind === 'SILENT' ? '' : ` value ${fmt(alert.lastValue, unit)}`;
  return {
    alertId: alert.id,
    deviceId: alert.deviceId,
    change,
    subject,
    text: lines.join('\n'),
    sms: `${verb} ${alert.deviceId}: ${what}${value} at ${at}`.slice(0, 140),
    at,
  };
}
