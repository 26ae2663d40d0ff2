import { describe, expect, it } from 'vitest';
import { parseCreateDeviceInput, parseUpdateDeviceInput } from '../../../core/devices';
import { sensorFixture } from '../../helpers/device-fixtures';
import { issuesOf } from '../../helpers/validation-issues';

describe('parseCreateDeviceInput', () => {
  it('applies the defaults', () => {
    expect(parseCreateDeviceInput({ id: 'b-1', name: 'Buoy' })).toEqual({
      id: 'b-1',
      name: 'Buoy',
      description: null,
      enabled: true,
      location: null,
      sensorIntervalMs: 600_000,
      sensors: [],
      silenceAfterIntervals: 3,
    });
  });

  it('fills sensor defaults and sorts calibration points by raw value', () => {
    const { sensors } = parseCreateDeviceInput({
      id: 'b-1',
      name: 'Buoy',
      sensors: [
        {
          id: 'cond',
          measurement: 'cond',
          calibration: {
            points: [
              { raw: 30, actual: 3 },
              { raw: 10, actual: 1 },
              { raw: 20, actual: 2 },
            ],
          },
        },
      ],
    });
    // Every other field takes its default: what sensorFixture holds.
    expect(sensors[0]).toEqual(
      sensorFixture('cond', {
        calibration: {
          points: [
            { raw: 10, actual: 1 },
            { raw: 20, actual: 2 },
            { raw: 30, actual: 3 },
          ],
          calibratedAt: null,
        },
      }),
    );
  });

  it('accepts a new lowercase measurement name', () => {
    const { sensors } = parseCreateDeviceInput({
      id: 'b',
      name: 'B',
      sensors: [{ id: 'orp', measurement: 'orp_mv' }],
    });
    expect(sensors[0]?.measurement).toBe('orp_mv');
  });

  it('reports every problem at once, each with its dotted input path', () => {
    const issues = issuesOf(() =>
      parseCreateDeviceInput({
        id: 'bad id',
        name: '',
        sensors: [
          { id: 'ph', measurement: 'ph', min: 9, max: 1 },
          { id: 'ph', measurement: 'ph' },
        ],
      }),
    );
    expect(issues.map((i) => i.field)).toEqual([
      'input.id',
      'input.name',
      'input.sensors.0.min',
      'input.sensors.1.id',
    ]);
    expect(issues[2]?.message).toBe('must be less than or equal to max (1)');
  });

  it('refuses sensor ids the Timestream layout cannot carry, naming each sensor', () => {
    const ids = [
      'ts_temp',
      'measure_value_1',
      'measure_name',
      'time',
      'device_id',
      'config_version',
      'ph_raw',
    ];
    const issues = issuesOf(() =>
      parseCreateDeviceInput({
        id: 'b-1',
        name: 'Buoy',
        sensors: [{ id: 'ph', measurement: 'ph' }, ...ids.map((id) => ({ id, measurement: 'ph' }))],
      }),
    );
    expect(issues.map((i) => i.field)).toEqual(ids.map((_, k) => `input.sensors.${k + 1}.id`));
    ids.forEach((id, k) => expect(issues[k]?.message).toContain(`"${id}"`));
    expect(issues[0]?.message).toMatch(/reserved/);
    expect(
      issuesOf(() => parseUpdateDeviceInput({ id: 'b-1', sensors: [{ id: 'TS_x', measurement: 'ph' }] })).map(
        (i) => i.field,
      ),
    ).toEqual(['input.sensors.0.id']);
  });

  it('says what is allowed for a missing required field', () => {
    const issues = issuesOf(() => parseCreateDeviceInput({ id: 'x' }));
    expect(issues).toEqual([{ field: 'input.name', message: 'is required: 1 to 100 characters' }]);
  });

  it('refuses a missing input as a whole', () => {
    expect(issuesOf(() => parseCreateDeviceInput(undefined))[0]?.field).toBe('input');
  });

  it('names the unknown field it refuses', () => {
    const issues = issuesOf(() => parseCreateDeviceInput({ id: 'x', name: 'y', colour: 'red' }));
    expect(issues).toEqual([{ field: 'input.colour', message: 'is not a field of this input' }]);
  });
});

describe('parseUpdateDeviceInput', () => {
  it('keeps only the fields given', () => {
    expect(parseUpdateDeviceInput({ id: 'b', expectedVersion: 3, description: null })).toEqual({
      id: 'b',
      expectedVersion: 3,
      description: null,
    });
  });

  it('refuses null where a field cannot be empty, and still checks the rest', () => {
    const issues = issuesOf(() => parseUpdateDeviceInput({ id: 'b', enabled: null, sensorIntervalMs: 10 }));
    expect(issues.map((i) => i.field)).toEqual(['input.enabled', 'input.sensorIntervalMs']);
    expect(issues[0]?.message).toContain('omit the field');
  });

  it('refuses a fractional expectedVersion', () => {
    expect(issuesOf(() => parseUpdateDeviceInput({ id: 'b', expectedVersion: 1.5 }))[0]?.field).toBe(
      'input.expectedVersion',
    );
  });
});
