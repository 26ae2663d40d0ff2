import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alertIdOf } from '../../../core/alerts/model';
import type { AlertKind } from '../../../core/generated/graphql';
import {
  DEVICE_ID_PATTERN,
  SENSOR_ID_PATTERN,
  checkDeviceId,
  checkSensorId,
  deviceIdSchema,
  isAlertId,
  isDeviceId,
  isRejectedMessageId,
  isSensorId,
  sensorIdSchema,
} from '../../../core/shared/ids';
import { parseInput } from '../../../core/shared/zod-issues';
import { ValidationError } from '../../../core/shared/errors';

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.split('');
const idOf = (max: number) => fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: max });

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.field} ${i.message}`).join('; ');
    throw err;
  }
  return 'accepted';
};

describe('core/shared/ids', () => {
  it('takes 1 to 64 letters, digits, "_" or "-" as a device id and 1 to 32 as a sensor id', () => {
    fc.assert(
      fc.property(idOf(64), (id) => {
        expect(isDeviceId(id)).toBe(true);
        expect(isSensorId(id)).toBe(id.length <= 32);
        expect(isRejectedMessageId(id)).toBe(true);
      }),
    );
    expect(isDeviceId('a'.repeat(65))).toBe(false);
    expect(isSensorId('a'.repeat(33))).toBe(false);
  });

  it('refuses any text with a character outside the id alphabet, and non-strings', () => {
    fc.assert(
      fc.property(
        idOf(20),
        fc.string({ minLength: 1, maxLength: 3 }).filter((s) => /[^A-Za-z0-9_-]/.test(s)),
        idOf(20),
        (before, bad, after) => {
          const id = before + bad + after;
          expect(isDeviceId(id)).toBe(false);
          expect(isSensorId(id)).toBe(false);
          expect(DEVICE_ID_PATTERN.test(id)).toBe(false);
          expect(SENSOR_ID_PATTERN.test(id)).toBe(false);
        },
      ),
    );
    for (const bad of [
      '',
      'a/b',
      '+',
      '#',
      'a.b',
      'a:b',
      "a'b",
      'a b',
      'DEVICE#1',
      null,
      undefined,
      7,
      ['a'],
    ])
      expect(isDeviceId(bad), String(bad)).toBe(false);
  });

  it('names the field and the rule when an id is refused', () => {
    expect(messageOf(() => parseInput(deviceIdSchema(), 'a/b', ['id']))).toBe(
      'id must be 1 to 64 letters, digits, "_" or "-"',
    );
    expect(messageOf(() => parseInput(deviceIdSchema(), undefined, ['id']))).toBe(
      'id is required: 1 to 64 letters, digits, "_" or "-"',
    );
    expect(messageOf(() => parseInput(sensorIdSchema(), 12, ['sensorId']))).toBe(
      'sensorId must be text: 1 to 32 letters, digits, "_" or "-"',
    );
    expect(parseInput(sensorIdSchema(), 'ph_2', ['sensorId'])).toBe('ph_2');
  });
});

describe('alert ids', () => {
  it('takes every id alertIdOf makes, and no text without its four parts', () => {
    fc.assert(
      fc.property(
        idOf(64),
        fc.constantFrom<AlertKind>('HIGH', 'LOW', 'SILENT'),
        fc.option(idOf(32), { nil: null }),
        fc.integer({ min: 0, max: 8_640_000_000_000_000 }),
        (deviceId, kind, sensor, openedAt) => {
          expect(isAlertId(alertIdOf(deviceId, kind, sensor, openedAt))).toBe(true);
        },
      ),
    );
    for (const bad of ['', 'b1', 'b1:HIGH:ph', 'b1:HIGH:ph:x', 'a/b:HIGH:ph:1', 'b1:HIGH:p.h:1', 7, null])
      expect(isAlertId(bad), String(bad)).toBe(false);
  });
});

describe('checkDeviceId and checkSensorId', () => {
  it('refuse, under the field given, what is not an id, and pass what is', () => {
    expect(messageOf(() => checkDeviceId('b-1.a', 'deviceId'))).toBe('deviceId is not a device id');
    expect(messageOf(() => checkDeviceId('b'.repeat(64), 'deviceId'))).toBe('accepted');
    expect(messageOf(() => checkSensorId('p'.repeat(33), 'sensors.2'))).toBe('sensors.2 is not a sensor id');
    expect(messageOf(() => checkSensorId('ph_raw', 'sensor'))).toBe('accepted');
  });
});
