import type { CalibratedReading, TelemetryRecord } from '../telemetry/types';
import { calibratedValue, prepareSensor, type PrepareResult } from './calibrate';
import type { ParsedMessage } from './parse';
import type { IngestionDevice } from './types';

type ReadingsMessage = Extract<ParsedMessage, { kind: 'readings' }>;

/** What one message becomes: a record with the good readings, and the problems of the others. */
export interface BuiltRecord {
  /** Undefined when no reading of the message could be used. */
  record?: TelemetryRecord;
  /** One line per sensor that was not stored, naming it. */
  problems: string[];
}

/**
 * Prepared sensors per device object. The cache hands out the same object
 * until it refetches, so this prepares each calibration once per config
 * version rather than once per message, and lets go of it with the device.
 */
const prepared = new WeakMap<IngestionDevice, Map<string, PrepareResult | { ok: false; problem: string }>>();

function sensorsOf(device: IngestionDevice): Map<string, PrepareResult> {
  let map = prepared.get(device);
  if (!map) {
    map = new Map();
    for (const sensor of device.sensors) {
      map.set(sensor.id, sensor.enabled ? prepareSensor(sensor) : { ok: false, problem: 'is disabled' });
    }
    prepared.set(device, map);
  }
  return map;
}

/**
 * Calibrates the readings of one message with its device's sensors. A
 * message with some bad sensors keeps its good readings (they are real
 * measurements); the bad ones come back as problems that name the sensor, and
 * the caller keeps them as a rejected message.
 */
export function buildRecord(device: IngestionDevice, message: ReadingsMessage): BuiltRecord {
  const sensors = sensorsOf(device);
  const readings: CalibratedReading[] = [];
  const problems: string[] = [];
  for (const entry of message.values) {
    if (entry.raw === undefined) {
      problems.push(entry.problem ?? `sensor "${entry.sensor}": no value`);
      continue;
    }
    const sensor = sensors.get(entry.sensor);
    if (!sensor) {
      problems.push(`sensor "${clip(entry.sensor)}": is not a sensor of device ${device.id}`);
      continue;
    }
    if (!sensor.ok) {
      problems.push(`sensor "${entry.sensor}": ${sensor.problem}`);
      continue;
    }
    const prepared = sensor.sensor;
    const value = calibratedValue(prepared, entry.raw);
    // A finite raw can calibrate beyond a double (1e308 on a steep line): no store holds Infinity.
    if (!Number.isFinite(value)) {
      problems.push(
        `sensor "${entry.sensor}": raw ${entry.raw} calibrates to ${value}, beyond what the stores hold; check the sensor or its calibration`,
      );
      continue;
    }
    readings.push({
      sensor: entry.sensor,
      raw: entry.raw,
      value,
      unit: prepared.unit,
      outOfRange:
        (prepared.min !== null && value < prepared.min) || (prepared.max !== null && value > prepared.max),
    });
  }
  if (readings.length === 0) return { problems };
  return {
    record: {
      deviceId: device.id,
      time: message.time,
      configVersion: device.configVersion,
      source: message.source,
      readings,
    },
    problems,
  };
}

const clip = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}...` : text);
