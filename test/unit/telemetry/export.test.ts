import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../core/generated/graphql';
import {
  ExportService,
  EXPORT_CSV_COLUMNS,
  headerOf,
  lineOf,
  type ExportSink,
} from '../../../core/telemetry/export';
import type { ScanQuery } from '../../../core/telemetry/types';

const T0 = Date.UTC(2026, 10, 1);

/** A CSV line that is not RFC 4180 (a stray or unclosed quote). */
class MalformedCsvError extends Error {
  override readonly name = 'MalformedCsvError';
}

/**
 * RFC 4180 fields of one CSV line (no line end). Each match takes one field and
 * the comma after it, or ends the line, so the loop ends within the line's length.
 */
function parseCsvLine(line: string): string[] {
  const field = /(?:"((?:[^"]|"")*)"|([^,"]*))(,|$)/y;
  const fields: string[] = [];
  while (field.lastIndex <= line.length) {
    const at = field.lastIndex;
    const m = field.exec(line);
    if (!m) throw new MalformedCsvError(`not RFC 4180 CSV at character ${at}: ${JSON.stringify(line)}`);
    fields.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!);
    if (m[3] === '') return fields;
  }
  throw new MalformedCsvError(`no end of line found: ${JSON.stringify(line)}`);
}

const reading = (over: Partial<Reading> = {}): Reading => ({
  deviceId: 'b1',
  sensor: 'ph',
  time: new Date(T0).toISOString(),
  value: 7.25,
  raw: 412,
  unit: 'pH',
  outOfRange: false,
  configVersion: 3,
  qcFlag: 1,
  qcTests: [],
  ...over,
});

/** A sink that keeps what it is given, and what the store had produced when each chunk arrived. */
class MemorySink implements ExportSink {
  chunks: string[] = [];
  put = async (_key: string, body: AsyncIterable<string>) => {
    for await (const chunk of body) this.chunks.push(chunk);
  };
  link = async (key: string) => ({
    url: `https://example.test/${key}`,
    expiresAt: new Date(T0 + 3_600_000).toISOString(),
  });
}

function service(scan: (q: ScanQuery) => AsyncIterable<Reading[]>, sink: ExportSink = new MemorySink()) {
  return new ExportService({
    store: { scan },
    sink,
    sensors: { sensorsOf: async (id) => (id === 'b1' ? ['ph', 'tmp'] : undefined) },
    clock: () => T0,
  });
}

const args = {
  deviceId: 'b1',
  from: new Date(T0).toISOString(),
  to: new Date(T0 + 86_400_000).toISOString(),
  sensors: null,
  format: null,
};

describe("parseCsvLine (this file's CSV reader)", () => {
  it('reads plain, empty, quoted and doubled-quote fields', () => {
    expect(parseCsvLine('a,,"b,c","say ""hi""",')).toEqual(['a', '', 'b,c', 'say "hi"', '']);
    expect(parseCsvLine('"line\r\nbreak"')).toEqual(['line\r\nbreak']);
  });

  it('refuses an unclosed or stray quote instead of reading on', () => {
    expect(() => parseCsvLine('a,"open')).toThrow(MalformedCsvError);
    expect(() => parseCsvLine('a,b"c')).toThrow(MalformedCsvError);
  });
});

describe('export file format', () => {
  it("writes the contract header and one row per reading, its qcFlag from the reading's flag", () => {
    expect(headerOf('CSV')).toBe(`${EXPORT_CSV_COLUMNS.join(',')}\r\n`);
    expect(headerOf('CSV')).toBe('time,deviceId,sensor,value,unit,raw,outOfRange,configVersion,qcFlag\r\n');
    expect(lineOf('CSV', reading())).toBe('2026-11-01T00:00:00.000Z,b1,ph,7.25,pH,412,false,3,1\r\n');
    expect(
      lineOf('CSV', reading({ unit: null, outOfRange: true, qcFlag: 3, qcTests: ['spike', 'flat_line'] })),
    ).toBe('2026-11-01T00:00:00.000Z,b1,ph,7.25,,412,true,3,3\r\n');
  });

  it('keeps any unit text in its own cell and never lets a spreadsheet run it as a formula', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (unit) => {
        const line = lineOf('CSV', reading({ unit }));
        expect(line.endsWith('\r\n')).toBe(true);
        const body = line.slice(0, -2);
        // A quoted cell may hold line breaks; only then may the body contain them.
        const fields = parseCsvLine(body);
        expect(fields).toHaveLength(EXPORT_CSV_COLUMNS.length);
        const cell = fields[4]!;
        expect(cell.replace(/^'(?=[=+\-@\t\r])/, '')).toBe(unit);
        expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
      }),
    );
  });

  it('writes NDJSON lines that parse back to the reading', () => {
    expect(JSON.parse(lineOf('NDJSON', reading()))).toEqual({
      time: '2026-11-01T00:00:00.000Z',
      deviceId: 'b1',
      sensor: 'ph',
      value: 7.25,
      unit: 'pH',
      raw: 412,
      outOfRange: false,
      configVersion: 3,
      qcFlag: 1,
      qcTests: [],
    });
  });
});

describe('ExportService', () => {
  it('exports every sensor of the device by default and counts the rows', async () => {
    const asked: ScanQuery[] = [];
    const sink = new MemorySink();
    const answer = await service(async function* (q) {
      asked.push(q);
      yield [reading(), reading({ sensor: 'tmp', unit: 'C' })];
      yield [reading({ time: new Date(T0 + 600_000).toISOString() })];
    }, sink).exportReadings(args);
    expect(asked).toEqual([{ deviceId: 'b1', sensors: ['ph', 'tmp'], from: T0, to: T0 + 86_400_000 }]);
    expect(answer).toMatchObject({
      rows: 3,
      format: 'CSV',
      expiresAt: new Date(T0 + 3_600_000).toISOString(),
    });
    expect(answer.url).toMatch(
      /^https:\/\/example\.test\/exports\/b1\/2026-11-01T00-00-00-000Z-[0-9a-f]{16}\.csv$/,
    );
    expect(sink.chunks.join('').split('\r\n')).toHaveLength(5);
  });

  it('streams: the store is never more than a chunk ahead of the sink', async () => {
    let produced = 0;
    let consumedLines = 0;
    let maxAhead = 0;
    const sink: ExportSink = {
      put: async (_key, body) => {
        for await (const chunk of body) {
          consumedLines += chunk.split('\r\n').length - 1;
          maxAhead = Math.max(maxAhead, produced - consumedLines);
        }
      },
      link: async () => ({ url: 'https://example.test/x', expiresAt: new Date(T0).toISOString() }),
    };
    // 200 batches of 500 readings: 100,000 rows.
    const answer = await service(async function* () {
      for (let b = 0; b < 200; b++) {
        const batch = Array.from({ length: 500 }, (_, i) =>
          reading({ time: new Date(T0 + (b * 500 + i) * 1000).toISOString() }),
        );
        produced += batch.length;
        yield batch;
      }
    }, sink).exportReadings(args);
    expect(answer.rows).toBe(100_000);
    expect(consumedLines).toBe(100_001);
    // Lines are handed on in chunks of 2,000: the producer is at most one batch past a chunk.
    expect(maxAhead).toBeLessThanOrEqual(2_500);
  });

  it('refuses a bad argument naming the field, and an unknown device as NotFound', async () => {
    const none = service(async function* () {});
    await expect(none.exportReadings({ ...args, deviceId: 'b 1' })).rejects.toMatchObject({
      issues: [{ field: 'deviceId' }],
    });
    await expect(none.exportReadings({ ...args, from: 'yesterday' })).rejects.toMatchObject({
      issues: [{ field: 'from' }],
    });
    await expect(none.exportReadings({ ...args, from: args.to, to: args.from })).rejects.toMatchObject({
      issues: [{ field: 'from' }],
    });
    await expect(
      none.exportReadings({ ...args, to: new Date(T0 + 367 * 86_400_000).toISOString() }),
    ).rejects.toMatchObject({ issues: [{ field: 'to' }] });
    await expect(none.exportReadings({ ...args, sensors: [] })).rejects.toMatchObject({
      issues: [{ field: 'sensors' }],
    });
    await expect(none.exportReadings({ ...args, sensors: ['ph', 'p h'] })).rejects.toMatchObject({
      issues: [{ field: 'sensors.1' }],
    });
    await expect(none.exportReadings({ ...args, format: 'XLSX' as never })).rejects.toMatchObject({
      issues: [{ field: 'format' }],
    });
    await expect(none.exportReadings({ ...args, deviceId: 'ghost' })).rejects.toMatchObject({
      errorType: 'NotFound',
    });
  });
});
