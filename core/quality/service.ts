import { randomUUID } from 'node:crypto';
import type {
  CalibrationLogEntry,
  MaintenanceKind,
  MutationAddMaintenanceNoteArgs,
  MutationRecalibrateReadingsArgs,
  QueryCalibrationLogArgs,
  RecalibrationResult,
  Sensor,
} from '../generated/graphql';
import type { Device } from '../generated/graphql';
import { calibratedValue, prepareSensor } from '../ingestion/calibrate';
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors';
import { checkDeviceId, checkSensorId } from '../shared/ids';
import type { GraphQLArgs } from '../shared/arguments';
import { pageSize, type Page } from '../shared/pagination';
import { parseTimeRange } from '../shared/time-range';
import { parseInput } from '../shared/zod-issues';
import type { TelemetryStore } from '../telemetry/port';
import type { CalibratedReading, TelemetryRecord } from '../telemetry/types';
import { UNFLAGGED } from '../telemetry/types';
import { createQualityAssessor } from './assessor';
import { calibrationLogEntry, type CalibrationLogStore } from './calibration-log';
import { logArgs, noteArgs, recalibrateArgs } from './arguments';
import { QualityHistory } from './history';

/** The device reads the quality service needs (the DynamoDB device store fits). */
export interface QualityDeviceSource {
  get(id: string): Promise<Device | undefined>;
  getConfigVersion(
    deviceId: string,
    version: number,
  ): Promise<{ settings: { sensors: Sensor[] } } | undefined>;
}

export interface QualityServiceDeps {
  log: CalibrationLogStore;
  devices: QualityDeviceSource;
  telemetry: Pick<TelemetryStore, 'records' | 'write'>;
  clock?: () => number;
  /** How long one recalibrateReadings call works before it answers with resumeFrom (default 20 s: AppSync allows 30). */
  recalibrationBudgetMs?: number;
  /** Records read per page of a recalibration (default 500). */
  recalibrationPageSize?: number;
  newId?: () => string;
}

const KINDS: readonly MaintenanceKind[] = ['CLEANING', 'REPLACEMENT', 'CHECK'];
const MAX_NOTE = 1000;
const MAX_REFERENCES = 20;
/** A recalibration spans at most what a bucketed read does. */
const MAX_RECALIBRATION_RANGE_MS = 366 * 86_400_000;
/** Timestream takes at most 100 records per WriteRecords; the adapters chunk, this keeps memory flat. */
const WRITE_CHUNK = 100;

/** The calibration log and recalibration of stored history. */
export class QualityService {
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: QualityServiceDeps) {
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
  }

  /** Calibration changes, maintenance notes and recalibration runs, newest first. */
  async calibrationLog(given: GraphQLArgs<QueryCalibrationLogArgs>): Promise<Page<CalibrationLogEntry>> {
    const args = parseInput(logArgs(), given);
    checkDeviceId(args.deviceId, 'deviceId');
    const sensorId = args.sensorId ?? null;
    if (sensorId !== null) checkSensorId(sensorId, 'sensorId');
    return this.deps.log.list(args.deviceId, sensorId, pageSize(args.limit), args.nextToken ?? null);
  }

  /** Records a cleaning, a replacement or a check, with the drift its reference readings show. */
  async addMaintenanceNote(
    given: GraphQLArgs<MutationAddMaintenanceNoteArgs>,
    by: string,
  ): Promise<CalibrationLogEntry> {
    const args = parseInput(noteArgs(), given);
    checkDeviceId(args.deviceId, 'deviceId');
    if (!KINDS.includes(args.kind as MaintenanceKind))
      throw new ValidationError({ field: 'kind', message: `must be one of ${KINDS.join(', ')}` });
    const note = args.note ?? null;
    if (note !== null && note.length > MAX_NOTE)
      throw new ValidationError({ field: 'note', message: `must be at most ${MAX_NOTE} characters` });
    const references = args.references ?? null;
    if (references && references.length > MAX_REFERENCES)
      throw new ValidationError({
        field: 'references',
        message: `allows at most ${MAX_REFERENCES} readings`,
      });
    references?.forEach((r, i) => {
      for (const key of ['reference', 'measured'] as const)
        if (!Number.isFinite(r[key]))
          throw new ValidationError({ field: `references.${i}.${key}`, message: 'must be a finite number' });
    });
    const device = await this.deps.devices.get(args.deviceId);
    if (!device) throw new NotFoundError(`There is no device "${args.deviceId}".`);
    const sensorId = args.sensorId ?? null;
    if (sensorId !== null && !device.sensors.some((s) => s.id === sensorId))
      throw new NotFoundError(
        `Device "${device.id}" has no sensor "${sensorId}". Its sensors are: ${device.sensors.map((s) => s.id).join(', ') || 'none'}.`,
      );
    const drift =
      references && references.length > 0
        ? references.reduce((sum, r) => sum + (r.measured - r.reference), 0) / references.length
        : null;
    const entry = calibrationLogEntry({
      id: this.newId(),
      deviceId: device.id,
      sensorId,
      kind: 'MAINTENANCE',
      maintenanceKind: args.kind as MaintenanceKind,
      at: new Date(this.clock()).toISOString(),
      by,
      note,
      configVersion: device.configVersion,
      references: references
        ? references.map((r) => ({ reference: r.reference, measured: r.measured }))
        : null,
      drift,
    });
    await this.deps.log.append(entry);
    return entry;
  }

  /**
   * Recomputes one sensor's stored values in [from, to) from their raw
   * values with the calibration (and thresholds) of config `version`, page
   * by page, and writes each record whose value or flags change as a new
   * version; the raw values are never written differently. Running it again
   * changes nothing. Stops at its time budget and says where to resume.
   */
  async recalibrateReadings(
    given: GraphQLArgs<MutationRecalibrateReadingsArgs>,
    by: string,
  ): Promise<RecalibrationResult> {
    const args = parseInput(recalibrateArgs(), given);
    checkDeviceId(args.deviceId, 'deviceId');
    checkSensorId(args.sensorId, 'sensorId');
    const { from, to } = parseTimeRange(
      args,
      MAX_RECALIBRATION_RANGE_MS,
      'a recalibration spans at most 366 days; run it per year',
    );
    const device = await this.deps.devices.get(args.deviceId);
    if (!device) throw new NotFoundError(`There is no device "${args.deviceId}".`);
    const version = args.version ?? device.configVersion;
    if (!Number.isInteger(version) || version < 1)
      throw new ValidationError({ field: 'version', message: 'must be a config version number (1 or more)' });
    const sensors =
      version === device.configVersion
        ? device.sensors
        : (await this.deps.devices.getConfigVersion(device.id, version))?.settings.sensors;
    if (!sensors)
      throw new NotFoundError(
        `Device "${device.id}" has no config version ${version}; deviceConfigHistory lists the versions it has.`,
      );
    const sensor = sensors.find((s) => s.id === args.sensorId);
    if (!sensor)
      throw new NotFoundError(
        `Config version ${version} of device "${device.id}" has no sensor "${args.sensorId}".`,
      );
    const prepared = prepareSensor(sensor);
    if (!prepared.ok)
      throw new ValidationError({
        field: 'version',
        message: `sensor "${sensor.id}" in config version ${version} ${prepared.problem}`,
      });

    const started = this.clock();
    const deadline = started + (this.deps.recalibrationBudgetMs ?? 20_000);
    const qa = createQualityAssessor(new QualityHistory({ maxDevices: 1 }));
    const qcDevice = { id: device.id, sensors: [sensor] };
    let scanned = 0;
    let changed = 0;
    let token: string | null = null;
    let held: Pending[] = [];
    let resumeFrom: number | null = null;

    const flush = async (items: Pending[]): Promise<void> => {
      const out: TelemetryRecord[] = [];
      for (const p of items) {
        if (!differs(p.before, p.after, p.record.configVersion)) continue;
        changed++;
        out.push(p.record);
      }
      for (let i = 0; i < out.length; i += WRITE_CHUNK) {
        const chunk = out.slice(i, i + WRITE_CHUNK);
        const { failures } = await this.deps.telemetry.write(chunk);
        if (failures.length > 0)
          throw new ServiceUnavailableError(
            `${failures.length} recalibrated records could not be stored (${failures[0]!.reason}); run the recalibration again, it repeats nothing it has done.`,
          );
      }
    };

    do {
      const page: Page<TelemetryRecord> = await this.deps.telemetry.records({
        deviceId: device.id,
        sensor: sensor.id,
        from,
        to,
        limit: this.deps.recalibrationPageSize ?? 500,
        nextToken: token,
      });
      const items: Pending[] = [...held];
      for (const stored of page.items) {
        const before = stored.readings.find((r) => r.sensor === sensor.id);
        if (!before) continue;
        scanned++;
        const record: TelemetryRecord = {
          ...stored,
          readings: stored.readings.map((r) => ({ ...r })),
          version: Math.max(this.clock(), (stored.version ?? 0) + 1),
        };
        const after = record.readings.find((r) => r.sensor === sensor.id)!;
        after.value = calibratedValue(prepared.sensor, after.raw);
        after.outOfRange =
          (prepared.sensor.min !== null && after.value < prepared.sensor.min) ||
          (prepared.sensor.max !== null && after.value > prepared.sensor.max);
        if (version === record.configVersion) delete after.configVersion;
        else after.configVersion = version;
        // Only this sensor is assessed: the record's other readings keep their flags.
        qa.assess(qcDevice, { ...record, readings: [after] });
        items.push({ record, before, after });
      }
      // The last reading's spike verdict needs the next one: it waits for the next page.
      held = items.length > 0 ? [items[items.length - 1]!] : [];
      await flush(items.slice(0, -1));
      token = page.nextToken;
      if (token && this.clock() > deadline) {
        resumeFrom = held[0]?.record.time ?? null;
        // The held record is not final: the next call starts with it.
        held = [];
        break;
      }
    } while (token);
    await flush(held);

    const entry = calibrationLogEntry({
      id: this.newId(),
      deviceId: device.id,
      sensorId: sensor.id,
      kind: 'RECALIBRATION',
      at: new Date(this.clock()).toISOString(),
      by,
      configVersion: version,
      after: sensor.calibration ?? null,
      from: new Date(from).toISOString(),
      to: new Date(resumeFrom ?? to).toISOString(),
      scanned,
      changed,
    });
    await this.deps.log.append(entry);
    return {
      deviceId: device.id,
      sensorId: sensor.id,
      version,
      changed,
      scanned,
      complete: resumeFrom === null,
      resumeFrom: resumeFrom === null ? null : new Date(resumeFrom).toISOString(),
      logEntryId: entry.id,
    };
  }
}

interface Pending {
  record: TelemetryRecord;
  before: CalibratedReading;
  after: CalibratedReading;
}

/** True when a stored reading would read differently after the rewrite. */
function differs(before: CalibratedReading, after: CalibratedReading, recordVersion: number): boolean {
  return (
    before.value !== after.value ||
    before.raw !== after.raw ||
    before.outOfRange !== after.outOfRange ||
    (before.qcFlag ?? UNFLAGGED) !== (after.qcFlag ?? UNFLAGGED) ||
    (before.qcTests ?? []).join(',') !== (after.qcTests ?? []).join(',') ||
    (before.configVersion ?? recordVersion) !== (after.configVersion ?? recordVersion)
  );
}
