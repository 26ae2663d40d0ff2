import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalibrationLogEntry } from '../generated/graphql';
import { unavailableAs } from '../shared/aws-errors';
import { ValidationError } from '../shared/errors';
import { decodeToken, encodeToken, type Page } from '../shared/pagination';
import { GSI1 } from '../shared/table';
import type { CalibrationLogStore } from './calibration-log';

/** Throttling and outages become ServiceUnavailable, in this store's words. */
const guard = unavailableAs('The calibration log is unavailable right now; try again.');

export interface DynamoCalibrationLogOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

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
  constructor(private readonly options: DynamoCalibrationLogOptions) {}

  async append(entry: CalibrationLogEntry): Promise<void> {
    const sk = `${entry.at}#${entry.id}`;
    await guard(
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            pk: calibrationLogPk(entry.deviceId),
            sk,
            ...(entry.sensorId
              ? { gsi1pk: calibrationLogSensorPk(entry.deviceId, entry.sensorId), gsi1sk: sk }
              : {}),
            ...withoutNulls(entry),
          },
        }),
      ),
    );
  }

  async list(
    deviceId: string,
    sensorId: string | null,
    limit: number,
    nextToken?: string | null,
  ): Promise<Page<CalibrationLogEntry>> {
    const bySensor = sensorId !== null;
    const start = decodeKey(nextToken, bySensor ? ['pk', 'sk', 'gsi1pk', 'gsi1sk'] : ['pk', 'sk']);
    const { Items = [], LastEvaluatedKey } = await guard(
      this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          ...(bySensor ? { IndexName: GSI1 } : {}),
          KeyConditionExpression: bySensor ? 'gsi1pk = :pk' : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': bySensor ? calibrationLogSensorPk(deviceId, sensorId) : calibrationLogPk(deviceId),
          },
          ScanIndexForward: false,
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    );
    return { items: Items.map(toEntry), nextToken: encodeToken(LastEvaluatedKey) };
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
  const entry = Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as unknown as CalibrationLogEntry;
  // Calibrations were stored as given; the API type wants calibratedAt present.
  for (const key of ['before', 'after'] as const) {
    const c = entry[key];
    if (c) entry[key] = { points: c.points ?? [], calibratedAt: c.calibratedAt ?? null };
  }
  return entry;
}

function withoutNulls<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

function decodeKey(
  token: string | null | undefined,
  attributes: string[],
): Record<string, string> | undefined {
  const key = decodeToken<Record<string, unknown>>(token);
  if (!key) return undefined;
  const names = Object.keys(key).sort();
  const valid =
    names.length === attributes.length &&
    [...attributes].sort().every((a, i) => a === names[i] && typeof key[a] === 'string');
  if (!valid)
    throw new ValidationError({
      field: 'nextToken',
      message: 'is not a token this API issued; pass back nextToken unchanged',
    });
  return key as Record<string, string>;
}
