import type { ColumnInfo, Datum, QueryCommandOutput, Row } from '@aws-sdk/client-timestream-query';
import { DEVICE_ID_PATTERN } from '../../shared/ids';

/**
 * Everything interpolated into Timestream SQL goes through these: Timestream
 * Query takes no bind parameters, so values are validated against a narrow
 * pattern first and quoted second.
 */
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
/** The strings the queries name (device ids, sensor ids, `legacy_<sensor>`) all fit the device id pattern. */
const STRING_VALUE = DEVICE_ID_PATTERN;
const IDENTIFIER = /^[A-Za-z0-9_-]{1,64}$/;

/** `"db"."table"`. */
export function tableRef(database: string, table: string): string {
  if (!NAME.test(database) || !NAME.test(table))
    throw new RangeError('invalid Timestream database or table name');
  return `"${database}"."${table}"`;
}

/** A string literal for an id (device id, sensor id, legacy measure name); refuses anything outside the id alphabet. */
export function stringLiteral(value: string): string {
  if (!STRING_VALUE.test(value)) throw new RangeError(`refusing to put ${JSON.stringify(value)} into SQL`);
  return `'${value.replace(/'/g, "''")}'`;
}

/** A quoted column name (sensor columns may hold `-`). */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new RangeError(`refusing ${JSON.stringify(name)} as a column name`);
  return `"${name}"`;
}

/** A timestamp literal from epoch ms. */
export function msLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`invalid epoch ms ${ms}`);
  return `from_milliseconds(${ms})`;
}

/** One parsed row: column name to JS value (number, boolean, string, epoch ms for timestamps, null). */
export type ParsedRow = Record<string, number | boolean | string | null>;

/**
 * Parses a Timestream Query page: `ColumnInfo` names and types the columns,
 * each `Row.Data` holds a `ScalarValue` (always a string) or `NullValue: true`.
 */
export function parseRows(output: Pick<QueryCommandOutput, 'ColumnInfo' | 'Rows'>): ParsedRow[] {
  const columns = output.ColumnInfo ?? [];
  return (output.Rows ?? []).map((row: Row) => {
    const parsed: ParsedRow = {};
    columns.forEach((column: ColumnInfo, i: number) => {
      parsed[column.Name ?? `_col${i}`] = parseDatum(row.Data?.[i], column);
    });
    return parsed;
  });
}

function parseDatum(datum: Datum | undefined, column: ColumnInfo): number | boolean | string | null {
  if (datum === undefined || datum.NullValue || datum.ScalarValue === undefined) return null;
  const value = datum.ScalarValue;
  switch (column.Type?.ScalarType) {
    case 'DOUBLE':
    case 'BIGINT':
    case 'INTEGER':
      return Number(value);
    case 'BOOLEAN':
      return value === 'true';
    case 'TIMESTAMP':
      return parseTimestamp(value);
    default:
      return value;
  }
}

/** Timestream prints timestamps as `2026-11-27 08:00:00.000000000` in UTC; epoch ms. */
export function parseTimestamp(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) throw new RangeError(`unexpected Timestream timestamp ${JSON.stringify(text)}`);
  const millis = (match[3] ?? '').padEnd(3, '0').slice(0, 3);
  return Date.parse(`${match[1]}T${match[2]}.${millis}Z`);
}
