import { randomBytes } from 'node:crypto';
import type { QueryExportReadingsArgs, ReadingExport } from '../../generated/graphql';
import type { GraphQLArgs } from '../../shared/arguments';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { parseInput } from '../../shared/zod-issues';
import { exportArgs } from '../arguments';
import type { TelemetryStore } from '../port';
import { checkDeviceId, checkSensorId } from '../../shared/ids';
import { parseTimeRange } from '../../shared/time-range';
import type { SensorCatalog } from '../service';
import { EXPORT_CONTENT_TYPES, EXPORT_EXTENSIONS, headerOf, lineOf } from './format';
import type { ExportSink } from './sink';

export interface ExportServiceDeps {
  store: Pick<TelemetryStore, 'scan'>;
  sink: ExportSink;
  /** The device's sensors: the default sensor list, and a NotFound for a device that does not exist. */
  sensors: SensorCatalog;
  clock?: () => number;
}

/** The longest range one export covers, as for bucketed readings. */
export const MAX_EXPORT_RANGE_MS = 366 * 86_400_000;
export const MAX_EXPORT_SENSORS = 32;
/** Lines per chunk handed to the sink: few large writes instead of one per row. */
const LINES_PER_CHUNK = 2_000;

/**
 * `exportReadings`: checks the arguments, then streams the store's scan into
 * the sink line by line (a year of a station never sits in memory) and
 * answers the link with the number of rows written.
 */
export class ExportService {
  constructor(private readonly deps: ExportServiceDeps) {}

  async exportReadings(given: GraphQLArgs<QueryExportReadingsArgs>): Promise<ReadingExport> {
    const args = parseInput(exportArgs(), given);
    checkDeviceId(args.deviceId, 'deviceId');
    const { from, to } = parseTimeRange(
      args,
      MAX_EXPORT_RANGE_MS,
      'an export spans at most 366 days; split the range',
    );
    const format = args.format ?? 'CSV';
    const known = await this.deps.sensors.sensorsOf(args.deviceId);
    if (known === undefined) throw new NotFoundError(`Device "${args.deviceId}" does not exist.`);
    const sensors = this.sensorList(args.sensors, known);

    const stamp = new Date((this.deps.clock ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
    const fileName = `${args.deviceId}-${stamp}.${EXPORT_EXTENSIONS[format]}`;
    // A random part: keys cannot be guessed, and two exports in one millisecond do not collide.
    const key = `exports/${args.deviceId}/${stamp}-${randomBytes(8).toString('hex')}.${EXPORT_EXTENSIONS[format]}`;
    let rows = 0;
    const store = this.deps.store;
    async function* body(): AsyncIterable<string> {
      const header = headerOf(format);
      if (header) yield header;
      if (sensors.length === 0) return;
      let lines: string[] = [];
      for await (const batch of store.scan({ deviceId: args.deviceId, sensors, from, to })) {
        for (const reading of batch) {
          lines.push(lineOf(format, reading));
          rows++;
          if (lines.length >= LINES_PER_CHUNK) {
            yield lines.join('');
            lines = [];
          }
        }
      }
      if (lines.length > 0) yield lines.join('');
    }
    await this.deps.sink.put(key, body(), EXPORT_CONTENT_TYPES[format], fileName);
    const link = await this.deps.sink.link(key, fileName);
    return { url: link.url, expiresAt: link.expiresAt, rows, format };
  }

  private sensorList(given: readonly string[] | null | undefined, known: readonly string[]): string[] {
    if (given === null || given === undefined) return [...known];
    if (given.length === 0)
      throw new ValidationError({
        field: 'sensors',
        message: 'name at least one sensor, or leave it out for all',
      });
    if (given.length > MAX_EXPORT_SENSORS)
      throw new ValidationError({ field: 'sensors', message: `name at most ${MAX_EXPORT_SENSORS} sensors` });
    given.forEach((s, i) => checkSensorId(s, `sensors.${i}`));
    // A sensor the device no longer has may still have history: any well-formed id is exported.
    return [...new Set(given)];
  }
}
