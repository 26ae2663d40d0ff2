import type { ExportFormat, Reading } from '../../generated/graphql';

/** The CSV export's header row (docs/CONTRACT.md, Readings); the columns of every row, in this order. */
export const EXPORT_CSV_COLUMNS = [
  'time',
  'deviceId',
  'sensor',
  'value',
  'unit',
  'raw',
  'outOfRange',
  'configVersion',
  'qcFlag',
] as const;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  NDJSON: 'application/x-ndjson; charset=utf-8',
};

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { CSV: 'csv', NDJSON: 'ndjson' };

/** The first line of the file (CSV: the header row; NDJSON: nothing). */
export function headerOf(format: ExportFormat): string {
  return format === 'CSV' ? `${EXPORT_CSV_COLUMNS.join(',')}\r\n` : '';
}

/** One reading as one line of the file, line end included (CSV: RFC 4180, CRLF). */
export function lineOf(format: ExportFormat, reading: Reading): string {
  if (format === 'NDJSON') {
    return `${JSON.stringify({
      time: reading.time,
      deviceId: reading.deviceId,
      sensor: reading.sensor,
      value: reading.value,
      unit: reading.unit ?? null,
      raw: reading.raw,
      outOfRange: reading.outOfRange,
      configVersion: reading.configVersion ?? null,
      qcFlag: reading.qcFlag,
      qcTests: reading.qcTests,
    })}\n`;
  }
  return `${[
    reading.time,
    text(reading.deviceId),
    text(reading.sensor),
    number(reading.value),
    text(reading.unit ?? ''),
    number(reading.raw),
    reading.outOfRange ? 'true' : 'false',
    reading.configVersion ?? '',
    number(reading.qcFlag),
  ].join(',')}\r\n`;
}

const number = (n: number | null | undefined): string =>
  typeof n === 'number' && Number.isFinite(n) ? String(n) : '';

/**
 * A text cell: quoted when it holds a comma, quote or line break (RFC 4180),
 * and prefixed with `'` when a spreadsheet would run it as a formula
 * (`=`, `+`, `-`, `@`, tab, CR: OWASP's CSV injection advice). Units are set
 * by admins, but an export goes to people outside the system.
 */
function text(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
