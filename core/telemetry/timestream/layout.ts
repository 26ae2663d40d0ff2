import type { _Record, Dimension, MeasureValue } from '@aws-sdk/client-timestream-write';
import type { TelemetryRecord } from '../types';
import { SENSOR_ID_PATTERN } from '../../shared/ids';

/**
 * The Timestream record layout (docs/TELEMETRY.md has the size arithmetic):
 * ONE multi-measure record per message. Its columns per sensor `s` are
 * `s` (calibrated, DOUBLE), `s_raw` (DOUBLE), `s_oor` (BOOLEAN) and `s_unit`
 * (VARCHAR, when the sensor has a unit), `s_qc` (BIGINT, the QARTOD flag,
 * left out when it is 1, pass), `s_qct` (VARCHAR, the flagging tests joined
 * by commas, only when some test flagged it), `s_cv` (BIGINT, only when a
 * recalibration produced this sensor's value with another config version
 * than the record's), plus `config_version` (BIGINT) once and `qc` (BIGINT
 * 1, once, when quality control ran: a reading without `s_qc` then passed;
 * without `qc` it was never tested, flag 2).
 * The message's device is the only dimension. Time, time unit, measure-value
 * type and measure name are sent once per request as CommonAttributes.
 */
export const DEVICE_DIMENSION = 'device_id';
export const CONFIG_VERSION_COLUMN = 'config_version';
/** Set (to 1) on a record whose readings went through quality control; see qcFlagColumn. */
export const QC_RAN_COLUMN = 'qc';
/** Measure name of a `devices/{id}/readings` message. */
export const DEVICE_MEASURE_NAME = 'readings';
/** Legacy messages get one measure name per sensor: two of them may share the device and millisecond. */
export const legacyMeasureName = (sensor: string): string => `legacy_${sensor}`;

export const valueColumn = (sensor: string): string => sensor;
export const rawColumn = (sensor: string): string => `${sensor}_raw`;
export const outOfRangeColumn = (sensor: string): string => `${sensor}_oor`;
export const unitColumn = (sensor: string): string => `${sensor}_unit`;
export const qcFlagColumn = (sensor: string): string => `${sensor}_qc`;
export const qcTestsColumn = (sensor: string): string => `${sensor}_qct`;
export const sensorVersionColumn = (sensor: string): string => `${sensor}_cv`;
/** The separator of test names in the `s_qct` column (test names never hold it). */
export const QC_TESTS_SEPARATOR = ',';

/** Names Timestream reserves or this layout uses for something else; a sensor cannot take them. */
const RESERVED = new Set([
  'time',
  'measure_name',
  'measure_value',
  DEVICE_DIMENSION,
  CONFIG_VERSION_COLUMN,
  QC_RAN_COLUMN,
]);
/** Timestream refuses column names that begin with these (its system identifiers). */
const RESERVED_PREFIX = /^(ts_|measure_value|measure_name)/i;
/** Sensor ids that are safe as column names and inside double quotes in SQL. */
export const SENSOR_COLUMN = SENSOR_ID_PATTERN;

/**
 * Why a sensor id cannot be a column of the record layout, naming the
 * sensor, or undefined when it can. Device validation refuses such ids when a
 * device is created or updated; the writer refuses them again as a last guard.
 */
export function sensorColumnProblem(sensor: string): string | undefined {
  if (!SENSOR_COLUMN.test(sensor)) return `sensor id "${sensor}" cannot be a Timestream column`;
  if (RESERVED_PREFIX.test(sensor))
    return `sensor id "${sensor}" is reserved: Timestream refuses column names beginning ts_, measure_name or measure_value`;
  if (RESERVED.has(sensor.toLowerCase()) || /_(raw|oor|unit|qc|qct|cv)$/.test(sensor))
    return `sensor id "${sensor}" is reserved by the record layout (time, ${DEVICE_DIMENSION}, ${CONFIG_VERSION_COLUMN}, ${QC_RAN_COLUMN} and each sensor's _raw, _oor, _unit, _qc, _qct and _cv columns)`;
  return undefined;
}

/** Timestream's limit on one record. */
export const MAX_RECORD_BYTES = 2048;

/** Measure name of a record: one per message for the new topic, one per sensor for legacy. */
export function measureNameOf(record: TelemetryRecord): string {
  return record.source === 'legacy'
    ? legacyMeasureName(record.readings[0]?.sensor ?? 'unknown')
    : DEVICE_MEASURE_NAME;
}

/** The multi-measure values of a record. Numbers are written with String(), which round-trips a double exactly. */
export function measureValuesOf(record: TelemetryRecord): MeasureValue[] {
  const values: MeasureValue[] = [];
  const tested = record.readings.some((r) => r.qcFlag !== undefined);
  for (const r of record.readings) {
    values.push({ Name: valueColumn(r.sensor), Value: String(r.value), Type: 'DOUBLE' });
    values.push({ Name: rawColumn(r.sensor), Value: String(r.raw), Type: 'DOUBLE' });
    values.push({
      Name: outOfRangeColumn(r.sensor),
      Value: r.outOfRange ? 'true' : 'false',
      Type: 'BOOLEAN',
    });
    // Timestream takes no empty VARCHAR; a sensor without a unit leaves the column out (null).
    if (r.unit) values.push({ Name: unitColumn(r.sensor), Value: r.unit, Type: 'VARCHAR' });
    // Most readings pass: their flag is implied by `qc`, which saves 8 bytes and a name per sensor.
    // In a tested record, a reading that carries no flag is written as not evaluated.
    const flag = r.qcFlag ?? (tested ? 2 : undefined);
    if (flag !== undefined && flag !== 1)
      values.push({ Name: qcFlagColumn(r.sensor), Value: String(flag), Type: 'BIGINT' });
    if (r.qcTests && r.qcTests.length > 0)
      values.push({
        Name: qcTestsColumn(r.sensor),
        Value: r.qcTests.join(QC_TESTS_SEPARATOR),
        Type: 'VARCHAR',
      });
    if (r.configVersion !== undefined && r.configVersion !== record.configVersion)
      values.push({ Name: sensorVersionColumn(r.sensor), Value: String(r.configVersion), Type: 'BIGINT' });
  }
  values.push({ Name: CONFIG_VERSION_COLUMN, Value: String(record.configVersion), Type: 'BIGINT' });
  if (tested) values.push({ Name: QC_RAN_COLUMN, Value: '1', Type: 'BIGINT' });
  return values;
}

/** One request's worth of records with what they share hoisted into CommonAttributes. */
export interface PackedRequest {
  commonAttributes: _Record;
  records: _Record[];
}

/**
 * Builds the WriteRecords payload for up to 100 records. Every field equal
 * across all records (always the time unit and value type; the measure name
 * and device when the chunk shares them) moves to CommonAttributes, which
 * Timestream counts once per request. `Version` is the config version, so the
 * same message calibrated with the same config is byte-for-byte the same
 * record: a redelivery is an idempotent upsert. A record that carries its own
 * `version` (the pipeline's write time when quality control runs) uses that
 * instead, so a later write of it (the spike test's late verdict, a
 * recalibration) replaces it.
 */
export function packRequest(records: readonly TelemetryRecord[]): PackedRequest {
  const names = records.map(measureNameOf);
  const sameName = names.every((n) => n === names[0]);
  const sameDevice = records.every((r) => r.deviceId === records[0]?.deviceId);
  const deviceDimension = (id: string): Dimension[] => [
    { Name: DEVICE_DIMENSION, Value: id, DimensionValueType: 'VARCHAR' },
  ];
  const commonAttributes: _Record = {
    MeasureValueType: 'MULTI',
    TimeUnit: 'MILLISECONDS',
    ...(sameName && names[0] !== undefined ? { MeasureName: names[0] } : {}),
    ...(sameDevice && records[0] ? { Dimensions: deviceDimension(records[0].deviceId) } : {}),
  };
  return {
    commonAttributes,
    records: records.map((record, i) => ({
      ...(sameDevice ? {} : { Dimensions: deviceDimension(record.deviceId) }),
      ...(sameName ? {} : { MeasureName: names[i] }),
      MeasureValues: measureValuesOf(record),
      Time: String(record.time),
      Version: record.version ?? record.configVersion,
    })),
  };
}

const utf8Length = (text: string | undefined): number =>
  text === undefined ? 0 : Buffer.byteLength(text, 'utf8');

/**
 * Billed size of a record per Timestream's metering: 8 bytes of timestamp,
 * the UTF-8 length of each dimension name and value and of each measure name,
 * and 8 bytes per DOUBLE/BIGINT, 1 per BOOLEAN, the UTF-8 length of a
 * VARCHAR value. Attributes the record leaves to CommonAttributes count there.
 */
export function recordBytes(record: _Record): number {
  let bytes = record.Time !== undefined ? 8 : 0;
  for (const d of record.Dimensions ?? []) bytes += utf8Length(d.Name) + utf8Length(d.Value);
  bytes += utf8Length(record.MeasureName);
  for (const m of record.MeasureValues ?? []) {
    bytes += utf8Length(m.Name);
    bytes += m.Type === 'BOOLEAN' ? 1 : m.Type === 'VARCHAR' ? utf8Length(m.Value) : 8;
  }
  return bytes;
}

/** Billed bytes of one WriteRecords request: the common attributes once, plus every record. */
export function requestBytes(request: PackedRequest): number {
  return recordBytes(request.commonAttributes) + request.records.reduce((sum, r) => sum + recordBytes(r), 0);
}

/** Billed write units of one request: its bytes in whole 1 KiB units. */
export const requestWriteUnits = (request: PackedRequest): number => Math.ceil(requestBytes(request) / 1024);
