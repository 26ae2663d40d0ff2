import { ValidationError } from './errors';
import * as z from './zod';
import { requiredString, schemaOnFirstUse } from './zod-issues';

/**
 * The identifiers of the system, each defined once. Device and sensor ids end
 * up as MQTT topic levels, DynamoDB keys (`DEVICE#<id>`), Timestream columns
 * and SQL literals, so the alphabet keeps out `/`, `+` and `#` (topic
 * separators and wildcards), `#` (key separator), quotes and `.`.
 * createDevice accepts exactly these, so nothing else can name a device.
 */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A sensor id: also a Timestream column name (`ph`, `ph_raw`), hence shorter. */
export const SENSOR_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/**
 * A rejected message's id: the 22 base64url characters of `rejectedMessageId`,
 * with room for ids of another length from older items.
 */
export const REJECTED_MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A pattern's body without its anchors, to compose it into another. */
const body = (pattern: RegExp): string => pattern.source.slice(1, -1);
/**
 * An alert's id as `alertIdOf` (core/alerts/model.ts) makes it:
 * `<deviceId>:<kind>:<sensorId or nothing>:<openedAt epoch ms>`.
 */
export const ALERT_ID_PATTERN = new RegExp(
  `^${body(DEVICE_ID_PATTERN)}:[A-Z]{1,16}:(${body(SENSOR_ID_PATTERN)})?:\\d{1,16}$`,
);

/** The device id rule in words, for error messages. */
export const DEVICE_ID_RULE = '1 to 64 letters, digits, "_" or "-"';
/** The sensor id rule in words, for error messages. */
export const SENSOR_ID_RULE = '1 to 32 letters, digits, "_" or "-"';

/** True when `value` can be a device id (and so a topic level, a key part, a SQL literal). */
export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value);
}

/** True when `value` can be a sensor id. */
export function isSensorId(value: unknown): value is string {
  return typeof value === 'string' && SENSOR_ID_PATTERN.test(value);
}

/** True when `value` can be an alert's id. */
export function isAlertId(value: unknown): value is string {
  return typeof value === 'string' && ALERT_ID_PATTERN.test(value);
}

/** True when `value` can be a rejected message's id. */
export function isRejectedMessageId(value: unknown): value is string {
  return typeof value === 'string' && REJECTED_MESSAGE_ID_PATTERN.test(value);
}

/** A device id as the API takes it, with the messages a caller reads. */
export const deviceIdSchema = schemaOnFirstUse(() =>
  requiredString(DEVICE_ID_RULE).check(z.regex(DEVICE_ID_PATTERN, `must be ${DEVICE_ID_RULE}`)),
);

/** A sensor id as the API takes it, with the messages a caller reads. */
export const sensorIdSchema = schemaOnFirstUse(() =>
  requiredString(SENSOR_ID_RULE).check(z.regex(SENSOR_ID_PATTERN, `must be ${SENSOR_ID_RULE}`)),
);

/** Refuses, as the argument `field`, a value that is not a device id. */
export function checkDeviceId(value: string, field: string): void {
  if (!DEVICE_ID_PATTERN.test(value)) throw new ValidationError({ field, message: 'is not a device id' });
}

/** Refuses, as the argument `field`, a value that is not a sensor id. */
export function checkSensorId(value: string, field: string): void {
  if (!SENSOR_ID_PATTERN.test(value)) throw new ValidationError({ field, message: 'is not a sensor id' });
}
