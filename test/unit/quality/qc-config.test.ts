import { describe, expect, it } from 'vitest';
import { parseCreateDeviceInput } from '../../../core/devices';
import { measureValuesOf, packRequest } from '../../../core/telemetry/timestream/layout';
import type { TelemetryRecord } from '../../../core/telemetry/types';
import { issuesOf } from '../../helpers/validation-issues';

const withQc = (qc: unknown) =>
  parseCreateDeviceInput({ id: 'b', name: 'B', sensors: [{ id: 'ph', measurement: 'ph', qc }] });

describe('sensor QC thresholds in the device config', () => {
  it('keeps the thresholds given and leaves the rest null', () => {
    const [sensor] = withQc({
      userMin: 5,
      userMax: 9,
      climatology: [{ fromMonth: 11, toMonth: 3, min: 6, max: 8 }],
    }).sensors;
    expect(sensor?.qc).toMatchObject({
      userMin: 5,
      userMax: 9,
      sensorMin: null,
      spikeFail: null,
      climatology: [{ fromMonth: 11, toMonth: 3, min: 6, max: 8 }],
    });
  });

  it('names each threshold that makes no sense', () => {
    const issues = issuesOf(() =>
      withQc({
        sensorMin: 0,
        sensorMax: 14,
        userMin: -1,
        spikeSuspect: 2,
        spikeFail: 1,
        flatLineSuspectCount: 1,
        rateOfChangeWindowHours: 500,
        climatology: [{ fromMonth: 13, toMonth: 2, min: 9, max: 1 }],
      }),
    );
    expect(issues.map((i) => i.field).sort()).toEqual(
      [
        'input.sensors.0.qc.climatology.0.fromMonth',
        'input.sensors.0.qc.climatology.0.min',
        'input.sensors.0.qc.flatLineSuspectCount',
        'input.sensors.0.qc.rateOfChangeWindowHours',
        'input.sensors.0.qc.sensorMin',
        'input.sensors.0.qc.spikeSuspect',
      ].sort(),
    );
  });

  it('refuses a threshold it does not know', () => {
    const issues = issuesOf(() => withQc({ spikeTolerance: 1 }));
    expect(issues.map((i) => i.field)).toEqual(['input.sensors.0.qc.spikeTolerance']);
  });
});

describe('Timestream layout of quality flags', () => {
  const record = (flags: [number, string[]][]): TelemetryRecord => ({
    deviceId: 'b1',
    time: 1_795_000_000_000,
    configVersion: 3,
    source: 'device',
    version: 1_795_000_000_123,
    readings: flags.map(([qcFlag, qcTests], i) => ({
      sensor: ['ph', 'tmp'][i]!,
      raw: 1,
      value: 1,
      unit: null,
      outOfRange: false,
      qcFlag,
      qcTests,
    })),
  });

  it('writes a passing flag as implied by the record and a failing one in full', () => {
    const names = measureValuesOf(
      record([
        [1, []],
        [4, ['gross_range', 'spike']],
      ]),
    ).map((m) => [m.Name, m.Value]);
    expect(names).toContainEqual(['qc', '1']);
    expect(names).toContainEqual(['tmp_qc', '4']);
    expect(names).toContainEqual(['tmp_qct', 'gross_range,spike']);
    expect(names.map(([n]) => n)).not.toContain('ph_qc');
    expect(names.map(([n]) => n)).not.toContain('ph_qct');
  });

  it('writes no quality columns for a record that was never tested, and versions records by their own version', () => {
    const untested: TelemetryRecord = {
      ...record([]),
      readings: [{ sensor: 'ph', raw: 1, value: 1, unit: null, outOfRange: false }],
    };
    expect(measureValuesOf(untested).map((m) => m.Name)).toEqual([
      'ph',
      'ph_raw',
      'ph_oor',
      'config_version',
    ]);
    expect(packRequest([record([[1, []]])]).records[0]?.Version).toBe(1_795_000_000_123);
    expect(packRequest([{ ...untested, version: undefined }]).records[0]?.Version).toBe(3);
  });
});
