import type { CalibrationLogEntry } from '../generated/graphql';
import {
  DynamoTable,
  decodeKey,
  nullsFor,
  withoutNulls,
  type DynamoTableOptions,
} from '../shared/dynamodb-table';
import type { Page } from '../shared/pagination';
import { GSI1 } from '../shared/table';
import type { CalibrationLogStore } from './calibration-log';

export type DynamoCalibrationLogOptions = DynamoTableOptions;

/** Partition of a device's log; gsi1 holds one partition per device and sensor. */
export const calibrationLogPk = (deviceId: string): string => `CALLOG#${deviceId}`;
export const calibrationLogSensorPk = (deviceId: string, sensorId: string): string =>
  `CALLOG#${deviceId}#${sensorId}`;

/**
 * Calibration log entries in the single table (core/shared/table.ts):
 * pk `CALLOG#<deviceId>`, sk `<at>#<id>`, and for an entry about one sensor
 * gsi1 `CALLOG#<deviceId>#<sensorId>` / `<at>#<id>`. Their own partition, not
 * the device's, so a deleted device's history of visits stays on record.
 */
export class DynamoCalibrationLog implements CalibrationLogStore {
  private readonly table: DynamoTable;

  constructor(options: DynamoCalibrationLogOptions) {
    this.table = new DynamoTable(options, 'The calibration log is unavailable right now; try again.');
  }

  async append(entry: CalibrationLogEntry): Promise<void> {
    const sk = `${entry.at}#${entry.id}`;
    await this.table.put({
      pk: calibrationLogPk(entry.deviceId),
      sk,
      ...(entry.sensorId
        ? { gsi1pk: calibrationLogSensorPk(entry.deviceId, entry.sensorId), gsi1sk: sk }
        : {}),
      ...withoutNulls(entry),
    });
  }

  async list(
    deviceId: string,
    sensorId: string | null,
    limit: number,
    nextToken?: string | null,
  ): Promise<Page<CalibrationLogEntry>> {
    const bySensor = sensorId !== null;
    const start = decodeKey(nextToken, bySensor ? ['pk', 'sk', 'gsi1pk', 'gsi1sk'] : ['pk', 'sk']);
    return this.table.page(
      {
        ...(bySensor ? { IndexName: GSI1 } : {}),
        KeyConditionExpression: bySensor ? 'gsi1pk = :pk' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': bySensor ? calibrationLogSensorPk(deviceId, sensorId) : calibrationLogPk(deviceId),
        },
        ScanIndexForward: false,
        Limit: limit,
      },
      start,
      toEntry,
    );
  }
}

const FIELDS = [
  'id',
  'deviceId',
  'sensorId',
  'kind',
  'maintenanceKind',
  'at',
  'by',
  'note',
  'configVersion',
  'before',
  'after',
  'references',
  'drift',
  'from',
  'to',
  'scanned',
  'changed',
] as const satisfies readonly (keyof CalibrationLogEntry)[];

function toEntry(item: Record<string, unknown>): CalibrationLogEntry {
  const entry = nullsFor(item, FIELDS) as unknown as CalibrationLogEntry;
  // Calibrations were stored as given; the API type wants calibratedAt present.
  for (const key of ['before', 'after'] as const) {
    const c = entry[key];
    if (c) entry[key] = { points: c.points ?? [], calibratedAt: c.calibratedAt ?? null };
  }
  return entry;
}
