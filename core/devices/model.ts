import { DEFAULT_SILENCE_AFTER_INTERVALS } from '../alerts/model';
import type { Device, Location, Sensor } from '../generated/graphql';

/** The ten measurements the stations carry today; a new lowercase name is allowed too. */
export const KNOWN_MEASUREMENTS = [
  'ch4',
  'co2',
  'cond',
  'do',
  'flw',
  'lvl',
  'ph',
  'tmp',
  'tds',
  'tbd',
] as const;

/** A buoy carries at most ten sensors (CONTRACT.md). */
export const MAX_SENSORS = 10;
/** Longest device name, description and sensor unit, in characters (the API refuses longer). */
export const DEVICE_TEXT_LIMITS = { name: 100, description: 500, unit: 32 } as const;
/** Ten minutes: the old firmware's default reporting interval. */
export const DEFAULT_SENSOR_INTERVAL_MS = 600_000;
/** Bounds of sensorIntervalMs: one second to one day. */
export const MIN_SENSOR_INTERVAL_MS = 1_000;
export const MAX_SENSOR_INTERVAL_MS = 86_400_000;
/** Decimals a calibrated value is rounded to unless the sensor says otherwise (the original rounded to 2). */
export const DEFAULT_DECIMALS = 2;
/** The most decimals a sensor may ask for (the API refuses more; calibration clamps to it). */
export const MAX_DECIMALS = 6;

/**
 * Everything about a device that an admin sets. A config version snapshots it,
 * which is what makes a rollback possible.
 */
export interface DeviceSettings {
  name: string;
  description: string | null;
  enabled: boolean;
  location: Location | null;
  sensorIntervalMs: number;
  sensors: Sensor[];
  /** Silence alert after this many intervals without a reading; 0 = off (docs/ALERTS.md). */
  silenceAfterIntervals: number;
}

/** A device's config acknowledgement, read from `devices/{id}/config/ack`, as the device service records it. */
export interface DeviceAck {
  deviceId: string;
  version: number;
  status: 'applied' | 'rejected';
  reason?: string;
  /** ISO-8601 time the message arrived. */
  receivedAt: string;
}

/** The payload retained on `devices/{id}/config` (CONTRACT.md section 2). */
export interface DesiredConfig {
  version: number;
  enabled: boolean;
  sensorIntervalMs: number;
  sensors: Record<string, { enabled: boolean }>;
}

/** One changed field between two versions; values are JSON text (AWSJSON), null when absent. */
export interface ConfigChangeRecord {
  path: string;
  from: string | null;
  to: string | null;
}

/** One stored config version: what changed, who changed it, and the full settings it made. */
export interface ConfigVersionRecord {
  deviceId: string;
  version: number;
  change: string;
  changedBy: string | null;
  changedAt: string;
  diff: ConfigChangeRecord[];
  config: DesiredConfig;
  settings: DeviceSettings;
}

/** The config a device must apply, as it goes out on the wire. */
export function desiredConfigOf(
  device: Pick<Device, 'configVersion' | 'enabled' | 'sensorIntervalMs' | 'sensors'>,
): DesiredConfig {
  const sensors: DesiredConfig['sensors'] = {};
  for (const sensor of device.sensors) sensors[sensor.id] = { enabled: sensor.enabled };
  return {
    version: device.configVersion,
    enabled: device.enabled,
    sensorIntervalMs: device.sensorIntervalMs,
    sensors,
  };
}

/** The admin-set part of a device (what a config version snapshots), with absent values as null. */
export function settingsOf(device: DeviceSettings): DeviceSettings {
  return {
    name: device.name,
    description: device.description ?? null,
    enabled: device.enabled,
    location: device.location ?? null,
    sensorIntervalMs: device.sensorIntervalMs,
    sensors: device.sensors,
    // Versions written before alerts existed carry none: they had the default.
    silenceAfterIntervals: device.silenceAfterIntervals ?? DEFAULT_SILENCE_AFTER_INTERVALS,
  };
}

/**
 * Field-level difference between two settings. A sensor that appears or
 * disappears is one entry (`sensors.<id>`); a sensor on both sides is compared
 * field by field (`sensors.ph.enabled`), so the history reads like the change.
 * Sensor order is not a change.
 */
export function diffSettings(
  before: DeviceSettings | undefined,
  after: DeviceSettings,
): ConfigChangeRecord[] {
  const changes: ConfigChangeRecord[] = [];
  const compare = (path: string, from: unknown, to: unknown): void => {
    const a = toJson(from);
    const b = toJson(to);
    if (a !== b) changes.push({ path, from: a, to: b });
  };
  compare('name', before?.name, after.name);
  compare('description', before?.description, after.description);
  compare('enabled', before?.enabled, after.enabled);
  compare('location', before?.location, after.location);
  compare('sensorIntervalMs', before?.sensorIntervalMs, after.sensorIntervalMs);
  compare('silenceAfterIntervals', before?.silenceAfterIntervals, after.silenceAfterIntervals);

  const old = new Map((before?.sensors ?? []).map((s) => [s.id, s]));
  const now = new Map(after.sensors.map((s) => [s.id, s]));
  for (const [id, sensor] of now) {
    const previous = old.get(id);
    if (!previous) {
      compare(`sensors.${id}`, undefined, sensor);
      continue;
    }
    for (const key of SENSOR_FIELDS) compare(`sensors.${id}.${key}`, previous[key], sensor[key]);
  }
  for (const [id, sensor] of old) if (!now.has(id)) compare(`sensors.${id}`, sensor, undefined);
  return changes;
}

const SENSOR_FIELDS = [
  'measurement',
  'unit',
  'enabled',
  'min',
  'max',
  'alertsEnabled',
  'decimals',
  'calibration',
  'alert',
  'qc',
] as const satisfies readonly (keyof Sensor)[];

/** Stable JSON (sorted keys) so that key order never shows up as a change. */
function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && v !== null)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
