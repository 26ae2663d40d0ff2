import * as z from '../shared/zod';
import type { QueryReadingsArgs, Reading, ReadingConnection } from '../generated/graphql';
import { isQualityBound } from '../quality/flags';
import type { GraphQLArgs } from '../shared/arguments';
import { ValidationError } from '../shared/errors';
import { checkDeviceId, checkSensorId } from '../shared/ids';
import { parseTime } from '../shared/time-range';
import { parseInput, schemaOnFirstUse } from '../shared/zod-issues';
import { readingsArgs } from './arguments';
import { parseInterval } from './interval';
import type { TelemetryStore } from './port';

/** The shape of a single id argument (its pattern is checked after); built once, on first use. */
const anId = schemaOnFirstUse(() => z.string());

/** Sensor ids of a device, so `latestReadings` asks the store only for the sensors the device has. */
export interface SensorCatalog {
  /** The device's sensor ids, or undefined when the device does not exist. */
  sensorsOf(deviceId: string): Promise<string[] | undefined>;
}

export interface TelemetryServiceDeps {
  store: Pick<TelemetryStore, 'latest' | 'range'>;
  /** Optional: without it `latest` returns every sensor the store holds for the device. */
  sensors?: SensorCatalog;
}

/** Readings pages hold more than the API's usual 100: a chart of a day of 5-minute buckets is 288. */
export const READINGS_DEFAULT_LIMIT = 500;
export const READINGS_MAX_LIMIT = 1000;
/** Raw points over more than this are asked for as buckets instead. */
export const MAX_RAW_RANGE_MS = 31 * 86_400_000;
export const MAX_BUCKETED_RANGE_MS = 366 * 86_400_000;

/** The API's read side of telemetry: checks arguments, then asks the store. */
export class TelemetryService {
  constructor(private readonly deps: TelemetryServiceDeps) {}

  /** Newest calibrated value of each sensor of a device, sorted by sensor. */
  async latestReadings(given: string): Promise<Reading[]> {
    const deviceId = parseInput(anId(), given, ['deviceId']);
    checkDeviceId(deviceId, 'deviceId');
    const sensors = this.deps.sensors ? await this.deps.sensors.sensorsOf(deviceId) : undefined;
    if (this.deps.sensors && sensors === undefined) return [];
    const readings = await this.deps.store.latest(deviceId, sensors);
    return [...readings].sort((a, b) => a.sensor.localeCompare(b.sensor));
  }

  /** Raw points, or buckets when `interval` is given, in [from, to), oldest first. */
  async readings(given: GraphQLArgs<QueryReadingsArgs>): Promise<ReadingConnection> {
    const args = parseInput(readingsArgs(), given);
    checkDeviceId(args.deviceId, 'deviceId');
    checkSensorId(args.sensor, 'sensor');
    const from = parseTime(args.from, 'from');
    const to = parseTime(args.to, 'to');
    if (from >= to) throw new ValidationError({ field: 'from', message: 'must be before to' });
    const intervalMs = args.interval ? parseInterval(args.interval) : undefined;
    const span = to - from;
    if (intervalMs === undefined && span > MAX_RAW_RANGE_MS) {
      throw new ValidationError({
        field: 'to',
        message: 'raw points span at most 31 days; give an interval for longer ranges',
      });
    }
    if (span > MAX_BUCKETED_RANGE_MS) {
      throw new ValidationError({ field: 'to', message: 'a range spans at most 366 days' });
    }
    const limit = args.limit ?? READINGS_DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > READINGS_MAX_LIMIT) {
      throw new ValidationError({
        field: 'limit',
        message: `must be a whole number from 1 to ${READINGS_MAX_LIMIT}`,
      });
    }
    const minQuality = args.minQuality ?? undefined;
    if (minQuality !== undefined && !isQualityBound(minQuality)) {
      throw new ValidationError({
        field: 'minQuality',
        message: 'must be a QARTOD flag from 1 (pass only) to 4 (everything but missing)',
      });
    }
    return this.deps.store.range({
      deviceId: args.deviceId,
      sensor: args.sensor,
      from,
      to,
      limit,
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(args.nextToken ? { nextToken: args.nextToken } : {}),
      ...(minQuality !== undefined ? { minQuality } : {}),
    });
  }
}
