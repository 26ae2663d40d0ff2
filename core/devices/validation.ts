import * as z from '../shared/zod';
import type { CreateDeviceInput, Sensor, SensorInput, UpdateDeviceInput } from '../generated/graphql';
import { ValidationError, type FieldIssue } from '../shared/errors';
import { definedFields } from '../shared/defined';
import { deviceIdSchema, sensorIdSchema } from '../shared/ids';
import {
  friendlyMessage,
  orDefault,
  parseInput,
  requiredString,
  schemaOnFirstUse,
  toFieldIssues,
} from '../shared/zod-issues';
import { sensorColumnProblem } from '../telemetry/timestream/layout';
import { DYNAMODB_NUMBER_MESSAGE, fitsDynamoDbNumber } from '../shared/store-limits';
import {
  DEFAULT_DECIMALS,
  DEFAULT_SENSOR_INTERVAL_MS,
  DEVICE_TEXT_LIMITS,
  KNOWN_MEASUREMENTS,
  MAX_DECIMALS,
  MAX_SENSORS,
  MAX_SENSOR_INTERVAL_MS,
  MIN_SENSOR_INTERVAL_MS,
  type DeviceSettings,
} from './model';
import {
  DEFAULT_AFTER_READINGS,
  DEFAULT_ALERT_RULE,
  DEFAULT_DEADBAND,
  DEFAULT_SILENCE_AFTER_INTERVALS,
  MAX_AFTER_MINUTES,
  MAX_AFTER_READINGS,
  MAX_SILENCE_AFTER_INTERVALS,
} from '../alerts/model';

const MEASUREMENT_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_CALIBRATION_POINTS = 32;

// Ids end up in MQTT topics and DynamoDB keys (`DEVICE#<id>`): core/shared/ids.ts keeps `/`, `+` and `#` out.
const deviceId = deviceIdSchema;
const sensorId = sensorIdSchema;

const { name: NAME_MAX, description: DESCRIPTION_MAX, unit: UNIT_MAX } = DEVICE_TEXT_LIMITS;

const name = schemaOnFirstUse(() =>
  requiredString(`1 to ${NAME_MAX} characters`).check(
    z.trim(),
    z.minLength(1, `must not be empty; give 1 to ${NAME_MAX} characters`),
    z.maxLength(NAME_MAX, `must be at most ${NAME_MAX} characters`),
  ),
);

const description = schemaOnFirstUse(() =>
  z.nullable(
    z
      .string({ error: `must be text of at most ${DESCRIPTION_MAX} characters, or null` })
      .check(z.maxLength(DESCRIPTION_MAX, `must be at most ${DESCRIPTION_MAX} characters`)),
  ),
);

const finite = (what: string) => z.number({ error: `must be a finite number${what}` });

/** A number the device item keeps in DynamoDB: finite and within DynamoDB's number range. */
const storable = (what: string) =>
  finite(what).check(z.refine(fitsDynamoDbNumber, { message: DYNAMODB_NUMBER_MESSAGE }));

const location = schemaOnFirstUse(() =>
  z.strictObject(
    {
      latitude: storable(' from -90 to 90').check(
        z.gte(-90, 'must be from -90 to 90'),
        z.lte(90, 'must be from -90 to 90'),
      ),
      longitude: storable(' from -180 to 180').check(
        z.gte(-180, 'must be from -180 to 180'),
        z.lte(180, 'must be from -180 to 180'),
      ),
    },
    { error: 'must be an object with latitude and longitude, or null' },
  ),
);

const sensorIntervalMs = schemaOnFirstUse(() =>
  z
    .number({
      error: `must be a whole number of milliseconds from ${MIN_SENSOR_INTERVAL_MS} to ${MAX_SENSOR_INTERVAL_MS}`,
    })
    .check(
      z.int(
        `must be a whole number of milliseconds from ${MIN_SENSOR_INTERVAL_MS} to ${MAX_SENSOR_INTERVAL_MS}`,
      ),
      z.gte(MIN_SENSOR_INTERVAL_MS, `must be at least ${MIN_SENSOR_INTERVAL_MS} ms (1 second)`),
      z.lte(MAX_SENSOR_INTERVAL_MS, `must be at most ${MAX_SENSOR_INTERVAL_MS} ms (one day)`),
    ),
);

const bool = (what: string) => z.boolean({ error: `must be true or false${what}` });

const calibrationShape = schemaOnFirstUse(() =>
  z
    .strictObject({
      points: z
        .array(
          z.strictObject({
            raw: storable(''),
            actual: storable(''),
          }),
          { error: 'must be a list of { raw, actual } points' },
        )
        .check(
          z.minLength(2, 'needs at least 2 points with distinct raw values'),
          z.maxLength(MAX_CALIBRATION_POINTS, `allows at most ${MAX_CALIBRATION_POINTS} points`),
        ),
      calibratedAt: z.nullish(
        z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time such as 2026-11-27T10:00:00Z' }),
      ),
    })
    .check(
      z.superRefine((value, ctx) => {
        const seen = new Map<number, number>();
        value.points.forEach((point, index) => {
          const first = seen.get(point.raw);
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['points', index, 'raw'],
              message: `must differ from every other point's raw value (point ${first} has ${point.raw} too)`,
            });
          } else {
            seen.set(point.raw, index);
          }
        });
      }),
    ),
);
const calibration = schemaOnFirstUse(() =>
  z.pipe(
    calibrationShape(),
    // The calibration is piecewise linear over raw, so it is kept sorted by raw.
    z.transform((value: z.output<ReturnType<typeof calibrationShape>>) => ({
      points: [...value.points].sort((a, b) => a.raw - b.raw),
      calibratedAt: value.calibratedAt ?? null,
    })),
  ),
);

const alertRule = schemaOnFirstUse(() =>
  z.strictObject(
    {
      afterReadings: orDefault(
        z
          .number({ error: `must be a whole number of readings from 1 to ${MAX_AFTER_READINGS}, or null` })
          .check(
            z.int(`must be a whole number of readings from 1 to ${MAX_AFTER_READINGS}`),
            z.gte(1, `must be at least 1 (the breaching reading itself)`),
            z.lte(MAX_AFTER_READINGS, `must be at most ${MAX_AFTER_READINGS} readings`),
          ),
        DEFAULT_AFTER_READINGS,
      ),
      deadband: orDefault(
        finite(' of at least 0, or null').check(z.gte(0, 'must be at least 0')),
        DEFAULT_DEADBAND,
      ),
      afterMinutes: orDefault(
        z
          .number({ error: `must be a whole number of minutes from 1 to ${MAX_AFTER_MINUTES}, or null` })
          .check(
            z.int(`must be a whole number of minutes from 1 to ${MAX_AFTER_MINUTES}`),
            z.gte(1, 'must be at least 1 minute, or null for readings only'),
            z.lte(MAX_AFTER_MINUTES, `must be at most ${MAX_AFTER_MINUTES} minutes (one day)`),
          ),
        null,
      ),
    },
    { error: 'must be an object with afterReadings and deadband, or null' },
  ),
);

const silenceAfterIntervals = schemaOnFirstUse(() =>
  z
    .number({
      error: `must be a whole number of sensor intervals from 0 (off) to ${MAX_SILENCE_AFTER_INTERVALS}`,
    })
    .check(
      z.int(`must be a whole number of sensor intervals from 0 (off) to ${MAX_SILENCE_AFTER_INTERVALS}`),
      z.gte(0, 'must be at least 0 (0 turns silence alerts off)'),
      z.lte(MAX_SILENCE_AFTER_INTERVALS, `must be at most ${MAX_SILENCE_AFTER_INTERVALS} intervals`),
    ),
);
// Quality control (QARTOD) thresholds of a sensor: every field optional, checked for sense so a
// threshold can never flag every reading by mistake (docs/QUALITY.md).
const month = schemaOnFirstUse(() =>
  z
    .number({ error: 'must be a month number from 1 to 12' })
    .check(
      z.int('must be a month number from 1 to 12'),
      z.gte(1, 'must be a month number from 1 to 12'),
      z.lte(12, 'must be a month number from 1 to 12'),
    ),
);
const nonNegative = (what: string) =>
  orDefault(finite(` of at least 0${what}`).check(z.gte(0, `must be at least 0${what}`)), null);
const count = schemaOnFirstUse(() =>
  orDefault(
    z
      .number({ error: 'must be a whole number from 2 to 1000' })
      .check(
        z.int('must be a whole number from 2 to 1000'),
        z.gte(2, 'must be a whole number from 2 to 1000'),
        z.lte(1000, 'must be a whole number from 2 to 1000'),
      ),
    null,
  ),
);
const sensorQc = schemaOnFirstUse(() =>
  z
    .strictObject(
      {
        enabled: orDefault(bool(''), null),
        sensorMin: orDefault(finite(' or null'), null),
        sensorMax: orDefault(finite(' or null'), null),
        userMin: orDefault(finite(' or null'), null),
        userMax: orDefault(finite(' or null'), null),
        climatology: orDefault(
          z
            .array(
              z
                .strictObject({ fromMonth: month(), toMonth: month(), min: finite(''), max: finite('') })
                .check(
                  z.refine((span) => span.min <= span.max, {
                    path: ['min'],
                    message: 'must be less than or equal to max',
                  }),
                ),
              { error: 'must be a list of { fromMonth, toMonth, min, max } spans' },
            )
            .check(z.maxLength(12, 'allows at most 12 seasonal spans')),
          null,
        ),
        spikeSuspect: nonNegative(''),
        spikeFail: nonNegative(''),
        rateOfChangeDeviations: nonNegative(' standard deviations'),
        rateOfChangeWindowHours: orDefault(
          finite(' of hours from 1 to 168').check(
            z.gte(1, 'must be from 1 to 168 hours'),
            z.lte(168, 'must be from 1 to 168 hours'),
          ),
          null,
        ),
        flatLineTolerance: nonNegative(''),
        flatLineSuspectCount: count(),
        flatLineFailCount: count(),
      },
      { error: 'must be an object of QARTOD thresholds, or null' },
    )
    .check(
      z.superRefine((qc, ctx) => {
        const ordered = (low: keyof typeof qc, high: keyof typeof qc) => {
          const a = qc[low];
          const b = qc[high];
          if (typeof a === 'number' && typeof b === 'number' && a > b)
            ctx.addIssue({
              code: 'custom',
              path: [low],
              message: `must be less than or equal to ${high} (${b})`,
            });
        };
        ordered('sensorMin', 'sensorMax');
        ordered('userMin', 'userMax');
        ordered('spikeSuspect', 'spikeFail');
        ordered('flatLineSuspectCount', 'flatLineFailCount');
        // The operator's span lies inside the instrument's (the gross range test's two tiers).
        ordered('sensorMin', 'userMin');
        ordered('userMax', 'sensorMax');
      }),
    ),
);

const sensor = schemaOnFirstUse(() =>
  z
    .strictObject(
      {
        id: sensorId(),
        measurement: requiredString(`one of ${KNOWN_MEASUREMENTS.join(', ')}, or a new lowercase name`).check(
          z.regex(
            MEASUREMENT_PATTERN,
            `must be one of ${KNOWN_MEASUREMENTS.join(', ')}, or a new name of 1 to 32 lowercase letters, digits or "_" starting with a letter`,
          ),
        ),
        unit: orDefault(
          z
            .string({ error: `must be text of at most ${UNIT_MAX} characters, or null` })
            .check(z.maxLength(UNIT_MAX, `must be at most ${UNIT_MAX} characters`)),
          null,
        ),
        enabled: orDefault(bool(''), true),
        min: orDefault(storable(' or null'), null),
        max: orDefault(storable(' or null'), null),
        alertsEnabled: orDefault(bool(''), false),
        decimals: orDefault(
          z
            .number({ error: `must be a whole number from 0 to ${MAX_DECIMALS}` })
            .check(
              z.int(`must be a whole number from 0 to ${MAX_DECIMALS}`),
              z.gte(0, `must be a whole number from 0 to ${MAX_DECIMALS}`),
              z.lte(MAX_DECIMALS, `must be a whole number from 0 to ${MAX_DECIMALS}`),
            ),
          DEFAULT_DECIMALS,
        ),
        calibration: orDefault(calibration(), null),
        // A fresh object per sensor: the default rule is never shared between devices.
        alert: z.pipe(
          z.nullish(alertRule()),
          z.transform(
            (rule: z.output<ReturnType<typeof alertRule>> | null | undefined) =>
              rule ?? { ...DEFAULT_ALERT_RULE },
          ),
        ),
        qc: orDefault(sensorQc(), null),
      },
      { error: 'must be a sensor object' },
    )
    .check(
      z.superRefine((value, ctx) => {
        // Refused here, by name, rather than when its first reading cannot be stored.
        const column = sensorColumnProblem(value.id);
        if (column) ctx.addIssue({ code: 'custom', path: ['id'], message: column });
        if (typeof value.min === 'number' && typeof value.max === 'number' && value.min > value.max) {
          ctx.addIssue({
            code: 'custom',
            path: ['min'],
            message: `must be less than or equal to max (${value.max})`,
          });
        }
        const deadband = value.alert.deadband;
        if (
          typeof value.min === 'number' &&
          typeof value.max === 'number' &&
          value.min <= value.max &&
          2 * deadband > value.max - value.min
        ) {
          // A value can never be inside both limits by more than half their distance: such an alert never closes.
          ctx.addIssue({
            code: 'custom',
            path: ['alert', 'deadband'],
            message: `must be at most half the distance between min and max (${(value.max - value.min) / 2}), or the alert could never close`,
          });
        }
      }),
    ),
);

const sensors = schemaOnFirstUse(() =>
  z.array(sensor(), { error: `must be a list of at most ${MAX_SENSORS} sensors` }).check(
    z.maxLength(MAX_SENSORS, `allows at most ${MAX_SENSORS} sensors per device`),
    z.superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((s, index) => {
        const first = seen.get(s.id);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `must be unique within the device; sensor ${first} already uses "${s.id}"`,
          });
        } else {
          seen.set(s.id, index);
        }
      });
    }),
  ),
);

const createDeviceSchema = schemaOnFirstUse(() =>
  z.strictObject(
    {
      id: deviceId(),
      name: name(),
      description: orDefault(description(), null),
      enabled: orDefault(bool(''), true),
      location: orDefault(location(), null),
      sensorIntervalMs: orDefault(sensorIntervalMs(), DEFAULT_SENSOR_INTERVAL_MS),
      sensors: z.pipe(
        z.nullish(sensors()),
        z.transform((list: z.output<ReturnType<typeof sensors>> | null | undefined) => list ?? []),
      ),
      silenceAfterIntervals: orDefault(silenceAfterIntervals(), DEFAULT_SILENCE_AFTER_INTERVALS),
    },
    { error: 'is required' },
  ),
);

const updateDeviceSchema = schemaOnFirstUse(() =>
  z.strictObject(
    {
      id: deviceId(),
      expectedVersion: z.nullish(
        z
          .number({ error: 'must be a whole number of at least 1 (the configVersion you read), or omitted' })
          .check(
            z.int('must be a whole number of at least 1 (the configVersion you read)'),
            z.gte(1, 'must be at least 1 (the configVersion you read)'),
          ),
      ),
      name: z.optional(name()),
      description: z.optional(description()),
      enabled: z.optional(bool('')),
      location: z.nullish(location()),
      sensorIntervalMs: z.optional(sensorIntervalMs()),
      sensors: z.optional(sensors()),
      silenceAfterIntervals: z.optional(silenceAfterIntervals()),
    },
    { error: 'is required' },
  ),
);

const NOT_NULL_IN_UPDATE = [
  'name',
  'enabled',
  'sensorIntervalMs',
  'sensors',
  'silenceAfterIntervals',
] as const;

/** A create request after validation, with every default applied. */
export interface ValidCreateDevice extends DeviceSettings {
  id: string;
}

/** An update request after validation: only the fields to change are present (null clears description and location). */
export interface ValidUpdateDevice extends Partial<DeviceSettings> {
  id: string;
  expectedVersion?: number;
}

/** Validates createDevice's input; every problem is reported with its `input.`-prefixed path. */
export function parseCreateDeviceInput(input: CreateDeviceInput | unknown): ValidCreateDevice {
  return parse(createDeviceSchema(), input, 'input');
}

/** Validates updateDevice's input; an absent field means "leave unchanged". */
export function parseUpdateDeviceInput(input: UpdateDeviceInput | unknown): ValidUpdateDevice {
  // In an update, null on a field that cannot be empty would be ambiguous (clear it? keep it?), so it is refused.
  const nullIssues: FieldIssue[] = [];
  let candidate = input;
  if (typeof input === 'object' && input !== null) {
    const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    for (const key of NOT_NULL_IN_UPDATE) {
      if (copy[key] === null) {
        nullIssues.push({
          field: `input.${key}`,
          message: 'cannot be null; omit the field to leave it unchanged',
        });
        delete copy[key];
      }
    }
    candidate = copy;
  }
  const parsed = updateDeviceSchema().safeParse(candidate, { error: friendlyMessage });
  if (!parsed.success || nullIssues.length > 0) {
    const issues = [...nullIssues, ...(parsed.success ? [] : toFieldIssues(parsed.error.issues, ['input']))];
    throw new ValidationError(issues, parsed.success ? {} : { cause: parsed.error });
  }
  const { id, expectedVersion, ...fields } = parsed.data;
  return {
    id,
    // null and absent alike mean "no check" here: the latest version wins.
    ...(expectedVersion === undefined || expectedVersion === null ? {} : { expectedVersion }),
    ...definedFields(fields),
  };
}

/** Validates one device id argument (`id`, `deviceId`). */
export function parseDeviceId(value: unknown, field = 'id'): string {
  return parse(deviceId(), value, field);
}

/** Validates one sensor id argument. */
export function parseSensorId(value: unknown, field = 'sensorId'): string {
  return parse(sensorId(), value, field);
}

const configVersion = schemaOnFirstUse(() =>
  z
    .number({ error: 'must be a whole number of at least 1' })
    .check(z.int('must be a whole number of at least 1'), z.gte(1, 'must be a whole number of at least 1')),
);

/** Validates a config version argument (a version that could have been issued). */
export function parseVersion(value: unknown, field = 'version'): number {
  return parse(configVersion(), value, field);
}

/** Validates one sensor as the API takes it (exported for callers that build sensors programmatically). */
export function parseSensorInput(input: SensorInput | unknown, field = 'sensor'): Sensor {
  return parse(sensor(), input, field);
}

function parse<T extends z.ZodMiniType>(schema: T, value: unknown, root: string): z.output<T> {
  return parseInput(schema, value, [root]);
}
