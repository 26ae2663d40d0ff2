import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Device, DeviceConnection } from '../../../core/generated/graphql';
import { admin, backend, dataOf, errorOf, mutation, query, user } from '../../../testkit/appsync-event';
import { calibrationPoints, sensorInput, type CalibrationPairs } from '../../../testkit/device-inputs';
import { startDevicesHarness, type DevicesHarness } from '../../helpers/devices-harness';

let h: DevicesHarness;

beforeAll(async () => {
  h = await startDevicesHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.publisher.failing = undefined;
});

/** Resolves an event that must answer data, with the DynamoDB requests it alone made. */
async function resolveCounted<T>(event: unknown): Promise<{ data: T; requests: Record<string, number> }> {
  h.counter.reset();
  const data = dataOf<T>(await h.api.resolve(event));
  return { data, requests: h.counter.snapshot() };
}

const phSensor = sensorInput(
  'ph',
  [
    [800, 7],
    [400, 4],
  ],
  { unit: 'pH', min: 0, max: 14 },
);

async function create(id: string, extra: Record<string, unknown> = {}): Promise<Device> {
  return dataOf<Device>(
    await h.api.resolve(mutation('createDevice', { input: { id, name: `Buoy ${id}`, ...extra } })),
  );
}

describe('createDevice', () => {
  it('creates a device with defaults, sorted calibration and version 1', async () => {
    const device = await create('create-1', {
      sensors: [phSensor],
      location: { latitude: 49.19, longitude: -123.18 },
    });
    expect(device).toMatchObject({
      id: 'create-1',
      name: 'Buoy create-1',
      enabled: true,
      sensorIntervalMs: 600_000,
      configVersion: 1,
      configStatus: 'PENDING',
      location: { latitude: 49.19, longitude: -123.18 },
      updatedBy: 'ada',
      delivery: { status: 'DELIVERED', version: 1 },
    });
    expect(device.sensors[0]).toMatchObject({ id: 'ph', enabled: true, alertsEnabled: false, decimals: 2 });
    expect(device.sensors[0]?.calibration?.points.map((p) => p.raw)).toEqual([400, 800]);
  });

  it('stores sensors and location as DynamoDB lists and maps, not JSON strings', async () => {
    await create('create-native', { sensors: [phSensor], location: { latitude: 1, longitude: 2 } });
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { Item } = await h.dynamo.client.send(
      new GetItemCommand({
        TableName: h.dynamo.tableName,
        Key: { pk: { S: 'DEVICE#create-native' }, sk: { S: 'META' } },
      }),
    );
    expect(Item?.sensors?.L?.[0]?.M?.id).toEqual({ S: 'ph' });
    expect(Item?.location?.M?.latitude).toEqual({ N: '1' });
    expect(Item?.gsi1pk).toEqual({ S: 'DEVICE' });
  });

  it('rejects a duplicate id with Conflict', async () => {
    await create('dup-1');
    const error = errorOf(
      await h.api.resolve(mutation('createDevice', { input: { id: 'dup-1', name: 'Again' } })),
    );
    expect(error.errorType).toBe('Conflict');
    expect(error.message).toContain('already exists');
  });

  it('refuses a user who is not an admin with Unauthorized', async () => {
    const answer = await h.api.resolve(
      mutation('createDevice', { input: { id: 'by-user', name: 'Nope' } }, { identity: user() }),
    );
    expect(errorOf(answer).errorType).toBe('Unauthorized');
    expect(await h.api.resolve(query('device', { id: 'by-user' }))).toBeNull();
  });
});

describe('device and devices', () => {
  it('returns one device with exactly one GetItem', async () => {
    await create('read-1');
    const { data: device, requests } = await resolveCounted<Device>(
      query('device', { id: 'read-1' }, { identity: user() }),
    );
    expect(device.id).toBe('read-1');
    expect(requests).toEqual({ GetItem: 1 });
  });

  it('returns null for a device that does not exist', async () => {
    expect(await h.api.resolve(query('device', { id: 'nothing-here' }))).toBeNull();
  });

  it('pages through every device with one Query per page and no Scan', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    for (const id of ids) await create(id);
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      h.counter.reset();
      const page: DeviceConnection = dataOf<DeviceConnection>(
        await h.api.resolve(query('devices', { limit: 3, nextToken: token }, { identity: user() })),
      );
      expect(h.counter.snapshot()).toEqual({ Query: 1 });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((d) => d.id));
      token = page.nextToken;
      pages++;
    } while (token);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.filter((id) => id.startsWith('page-'))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rejects a nextToken it did not issue with ValidationError on nextToken', async () => {
    const forged = Buffer.from(JSON.stringify({ pk: 'USER#x', sk: 'PROFILE' })).toString('base64url');
    const error = errorOf(await h.api.resolve(query('devices', { nextToken: forged })));
    expect(error).toMatchObject({ errorType: 'ValidationError' });
    expect(error.message).toContain('nextToken');
  });
});

describe('updateDevice', () => {
  it('changes only the given fields and bumps configVersion', async () => {
    await create('upd-1', { sensors: [phSensor], description: 'north channel' });
    const updated = dataOf<Device>(
      await h.api.resolve(
        mutation('updateDevice', { input: { id: 'upd-1', expectedVersion: 1, sensorIntervalMs: 60_000 } }),
      ),
    );
    expect(updated).toMatchObject({
      configVersion: 2,
      sensorIntervalMs: 60_000,
      description: 'north channel',
      configStatus: 'PENDING',
    });
    expect(updated.sensors).toHaveLength(1);
  });

  it('clears description and location when given null', async () => {
    await create('upd-clear', { description: 'x', location: { latitude: 1, longitude: 1 } });
    const updated = dataOf<Device>(
      await h.api.resolve(
        mutation('updateDevice', { input: { id: 'upd-clear', description: null, location: null } }),
      ),
    );
    expect(updated.description).toBeNull();
    expect(updated.location).toBeNull();
  });

  it('rejects a stale expectedVersion with Conflict that names the current version', async () => {
    await create('upd-stale');
    await h.api.resolve(mutation('updateDevice', { input: { id: 'upd-stale', name: 'second' } }));
    const error = errorOf(
      await h.api.resolve(
        mutation('updateDevice', { input: { id: 'upd-stale', expectedVersion: 1, name: 'third' } }),
      ),
    );
    expect(error.errorType).toBe('Conflict');
    expect(error.message).toContain('expectedVersion 2');
  });

  it('lets exactly one of two concurrent updates with the same expectedVersion win', async () => {
    await create('race-1');
    const answers = await Promise.all(
      ['left', 'right'].map((name) =>
        h.api.resolve(mutation('updateDevice', { input: { id: 'race-1', expectedVersion: 1, name } })),
      ),
    );
    const errors = answers.filter((a) => typeof a === 'object' && a !== null && '__error' in a);
    expect(errors).toHaveLength(1);
    expect(errorOf(errors[0]).errorType).toBe('Conflict');
    const device = dataOf<Device>(await h.api.resolve(query('device', { id: 'race-1' })));
    expect(device.configVersion).toBe(2);
  });

  it('answers NotFound for a device that does not exist', async () => {
    const error = errorOf(
      await h.api.resolve(mutation('updateDevice', { input: { id: 'ghost', name: 'x' } })),
    );
    expect(error.errorType).toBe('NotFound');
  });

  it('makes one GetItem, one UpdateItem, one history PutItem and one delivery UpdateItem', async () => {
    await create('upd-count');
    const { requests } = await resolveCounted(
      mutation('updateDevice', { input: { id: 'upd-count', name: 'counted' } }),
    );
    expect(requests).toEqual({ GetItem: 1, PutItem: 1, UpdateItem: 2 });
  });
});

describe('deleteSensor', () => {
  it('removes one sensor, bumps the version, and clears its legacy topic', async () => {
    await create('ds-1', { sensors: [phSensor, { id: 'tmp', measurement: 'tmp' }] });
    const device = dataOf<Device>(
      await h.api.resolve(mutation('deleteSensor', { deviceId: 'ds-1', sensorId: 'ph' })),
    );
    expect(device.sensors.map((s) => s.id)).toEqual(['tmp']);
    expect(device.configVersion).toBe(2);
    const last = h.publisher.published.at(-1) ?? [];
    expect(last).toContainEqual({ topic: 'ds-1/config/sensor/ph', payload: '' });
  });

  it('answers NotFound for a sensor the device does not have', async () => {
    await create('ds-2');
    const error = errorOf(
      await h.api.resolve(mutation('deleteSensor', { deviceId: 'ds-2', sensorId: 'ph' })),
    );
    expect(error.errorType).toBe('NotFound');
    expect(error.message).toContain('no sensor "ph"');
  });
});

describe('deleteDevice', () => {
  it('deletes the device, its history and its retained config', async () => {
    await create('del-1', { sensors: [phSensor] });
    const deleted = dataOf<Device>(await h.api.resolve(mutation('deleteDevice', { id: 'del-1' })));
    expect(deleted.deletedAt).not.toBeNull();
    expect(await h.api.resolve(query('device', { id: 'del-1' }))).toBeNull();
    expect(h.publisher.retained('devices/del-1/config')).toBeUndefined();
    expect(h.publisher.retained('del-1/config')).toBeUndefined();
    expect(h.publisher.retained('del-1/config/sensor/ph')).toBeUndefined();
    expect(errorOf(await h.api.resolve(query('deviceConfigHistory', { deviceId: 'del-1' }))).errorType).toBe(
      'NotFound',
    );
  });

  it('answers NotFound when the device does not exist', async () => {
    const error = errorOf(await h.api.resolve(mutation('deleteDevice', { id: 'never-was' })));
    expect(error).toEqual({ errorType: 'NotFound', message: expect.stringContaining('never-was') });
  });

  it('lets the same id be created again after a delete, continuing the version numbers', async () => {
    await create('del-again');
    dataOf(await h.api.resolve(mutation('updateDevice', { input: { id: 'del-again', name: 'v2' } })));
    const deleted = dataOf<Device>(await h.api.resolve(mutation('deleteDevice', { id: 'del-again' })));
    expect(deleted.configVersion).toBe(3);
    const again = await create('del-again');
    expect(again).toMatchObject({ configVersion: 4, name: 'Buoy del-again', reportedConfigVersion: null });
    expect(JSON.parse(h.publisher.retained('devices/del-again/config') ?? '{}').version).toBe(4);
    const history = dataOf<{ items: { version: number; change: string }[] }>(
      await h.api.resolve(query('deviceConfigHistory', { deviceId: 'del-again' })),
    );
    expect(history.items.map((v) => [v.version, v.change])).toEqual([[4, 'createDevice']]);
    expect(
      errorOf(await h.api.resolve(mutation('createDevice', { input: { id: 'del-again', name: 'x' } })))
        .errorType,
    ).toBe('Conflict');
  });

  it('leaves no trace of a deleted device in device, devices or updates', async () => {
    await create('del-gone');
    dataOf(await h.api.resolve(mutation('deleteDevice', { id: 'del-gone' })));
    expect(await h.api.resolve(query('device', { id: 'del-gone' }))).toBeNull();
    const all = dataOf<DeviceConnection>(await h.api.resolve(query('devices', { limit: 100 })));
    expect(all.items.map((d) => d.id)).not.toContain('del-gone');
    expect(
      errorOf(await h.api.resolve(mutation('updateDevice', { input: { id: 'del-gone', name: 'x' } })))
        .errorType,
    ).toBe('NotFound');
  });
});

describe('authorization', () => {
  it.each([
    ['updateDevice', { input: { id: 'x', name: 'y' } }],
    ['deleteDevice', { id: 'x' }],
    ['deleteSensor', { deviceId: 'x', sensorId: 'ph' }],
    ['republishDeviceConfig', { id: 'x' }],
    ['rollbackDeviceConfig', { deviceId: 'x', version: 1 }],
  ])('refuses %s to a user with Unauthorized', async (field, args) => {
    const error = errorOf(await h.api.resolve(mutation(field, args, { identity: user() })));
    expect(error.errorType).toBe('Unauthorized');
  });

  it('refuses notifyDeviceConfigChanged to an admin and serves it to the backend', async () => {
    await create('notify-1');
    expect(
      errorOf(
        await h.api.resolve(mutation('notifyDeviceConfigChanged', { id: 'notify-1' }, { identity: admin() })),
      ).errorType,
    ).toBe('Unauthorized');
    const { data: device, requests } = await resolveCounted<Device>(
      mutation('notifyDeviceConfigChanged', { id: 'notify-1' }, { identity: backend() }),
    );
    expect(device.id).toBe('notify-1');
    expect(requests).toEqual({ GetItem: 1 });
  });

  it('refuses a request without identity with Unauthorized', async () => {
    const error = errorOf(await h.api.resolve(query('devices', {}, { identity: { kind: 'none' } })));
    expect(error.errorType).toBe('Unauthorized');
  });

  it('refuses reads to a signed-in account in no group', async () => {
    const error = errorOf(
      await h.api.resolve(
        query('device', { id: 'x' }, { identity: { kind: 'user', username: 'nobody', groups: [] } }),
      ),
    );
    expect(error.errorType).toBe('Unauthorized');
  });
});

describe('invalid input', () => {
  const valid = { id: 'valid-id', name: 'Valid' };
  const sensor = (over: Record<string, unknown>) => ({ id: 's1', measurement: 'ph', ...over });
  /** createDevice's arguments: the valid device with these sensors. */
  const withSensors = (...sensors: Record<string, unknown>[]) => ({ input: { ...valid, sensors } });
  /** A sensor calibrated on these `[raw, actual]` pairs, plus any other calibration fields. */
  const calibrated = (pairs: CalibrationPairs, extra: Record<string, unknown> = {}) =>
    sensor({ calibration: { points: calibrationPoints(pairs), ...extra } });
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['an id with a slash', 'createDevice', { input: { ...valid, id: 'a/b' } }, 'input.id'],
    ['an empty id', 'createDevice', { input: { ...valid, id: '' } }, 'input.id'],
    ['an id of 65 characters', 'createDevice', { input: { ...valid, id: 'a'.repeat(65) } }, 'input.id'],
    ['an empty name', 'createDevice', { input: { ...valid, name: '   ' } }, 'input.name'],
    [
      'a name of 101 characters',
      'createDevice',
      { input: { ...valid, name: 'n'.repeat(101) } },
      'input.name',
    ],
    [
      'a description of 501 characters',
      'createDevice',
      { input: { ...valid, description: 'd'.repeat(501) } },
      'input.description',
    ],
    [
      'a latitude of 91',
      'createDevice',
      { input: { ...valid, location: { latitude: 91, longitude: 0 } } },
      'input.location.latitude',
    ],
    [
      'a longitude of -181',
      'createDevice',
      { input: { ...valid, location: { latitude: 0, longitude: -181 } } },
      'input.location.longitude',
    ],
    [
      'an interval of 999 ms',
      'createDevice',
      { input: { ...valid, sensorIntervalMs: 999 } },
      'input.sensorIntervalMs',
    ],
    [
      'an interval over a day',
      'createDevice',
      { input: { ...valid, sensorIntervalMs: 86_400_001 } },
      'input.sensorIntervalMs',
    ],
    [
      'a fractional interval',
      'createDevice',
      { input: { ...valid, sensorIntervalMs: 1500.5 } },
      'input.sensorIntervalMs',
    ],
    [
      'an unknown upper-case measurement',
      'createDevice',
      withSensors(sensor({ measurement: 'PH' })),
      'input.sensors.0.measurement',
    ],
    [
      'duplicate sensor ids',
      'createDevice',
      withSensors(sensor({}), sensor({ measurement: 'tmp' })),
      'input.sensors.1.id',
    ],
    [
      'min above max',
      'createDevice',
      withSensors(sensor({}), sensor({ id: 's2', min: 10, max: 1 })),
      'input.sensors.1.min',
    ],
    [
      'one calibration point',
      'createDevice',
      withSensors(calibrated([[1, 1]])),
      'input.sensors.0.calibration.points',
    ],
    [
      'calibration points with the same raw value',
      'createDevice',
      withSensors(
        calibrated([
          [1, 1],
          [1, 2],
        ]),
      ),
      'input.sensors.0.calibration.points.1.raw',
    ],
    ['7 decimals', 'createDevice', withSensors(sensor({ decimals: 7 })), 'input.sensors.0.decimals'],
    [
      'eleven sensors',
      'createDevice',
      withSensors(...Array.from({ length: 11 }, (_, i) => sensor({ id: `s${i}` }))),
      'input.sensors',
    ],
    ['a sensor id with a plus', 'createDevice', withSensors(sensor({ id: 'p+h' })), 'input.sensors.0.id'],
    [
      'a bad calibratedAt',
      'createDevice',
      withSensors(
        calibrated(
          [
            [1, 1],
            [2, 2],
          ],
          { calibratedAt: 'yesterday' },
        ),
      ),
      'input.sensors.0.calibration.calibratedAt',
    ],
    ['an unknown input field', 'createDevice', { input: { ...valid, colour: 'red' } }, 'input.colour'],
    ['a null name in an update', 'updateDevice', { input: { id: 'valid-id', name: null } }, 'input.name'],
    [
      'an expectedVersion of 0',
      'updateDevice',
      { input: { id: 'valid-id', expectedVersion: 0 } },
      'input.expectedVersion',
    ],
    [
      'a null sensors list in an update',
      'updateDevice',
      { input: { id: 'valid-id', sensors: null } },
      'input.sensors',
    ],
    ['a device id with spaces on delete', 'deleteDevice', { id: 'a b' }, 'id'],
    [
      'a sensor id of 33 characters',
      'deleteSensor',
      { deviceId: 'valid-id', sensorId: 's'.repeat(33) },
      'sensorId',
    ],
    ['a rollback to version 0', 'rollbackDeviceConfig', { deviceId: 'valid-id', version: 0 }, 'version'],
  ];

  it.each(cases)('answers %s with a ValidationError naming the field', async (_what, field, args, path) => {
    const error = errorOf(await h.api.resolve(mutation(field, args)));
    expect(error.errorType).toBe('ValidationError');
    expect(error.message).toMatch(new RegExp(`(^|; )${path.replace(/\./g, '\\.')}: `));
    expect(error.message).not.toMatch(/\n\s+at |ZodError|ValidationError|\.ts:\d/);
  });

  it.each([
    ['devices', { limit: 0 }, 'limit'],
    ['devices', { limit: 101 }, 'limit'],
    ['devices', { nextToken: 'not a token!' }, 'nextToken'],
    ['device', { id: '../etc' }, 'id'],
    ['deviceConfigHistory', { deviceId: 'x', limit: -1 }, 'limit'],
  ])('answers query %s %j with a ValidationError naming %s', async (field, args, path) => {
    const error = errorOf(await h.api.resolve(query(field, args)));
    expect(error.errorType).toBe('ValidationError');
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });
});

describe('DynamoDB requests per operation', () => {
  const counted = async (event: unknown) => (await resolveCounted(event)).requests;

  it('creates with the device write, the history write, the calibration log entry and the delivery mark', async () => {
    expect(
      await counted(mutation('createDevice', { input: { id: 'cnt-1', name: 'n', sensors: [phSensor] } })),
    ).toEqual({
      PutItem: 3,
      UpdateItem: 1,
    });
  });

  // A change that can end an alert's rule also queries the device's unresolved alerts (gsi2): one Query.
  it('deletes a sensor with one read, three writes and the alert review', async () => {
    expect(await counted(mutation('deleteSensor', { deviceId: 'cnt-1', sensorId: 'ph' }))).toEqual({
      GetItem: 1,
      PutItem: 1,
      Query: 1,
      UpdateItem: 2,
    });
  });

  it('lists history with one Query', async () => {
    expect(await counted(query('deviceConfigHistory', { deviceId: 'cnt-1' }))).toEqual({ Query: 1 });
  });

  it('republishes with one read, the history rewrite and the delivery mark', async () => {
    expect(await counted(mutation('republishDeviceConfig', { id: 'cnt-1' }))).toEqual({
      GetItem: 1,
      PutItem: 1,
      UpdateItem: 1,
    });
  });

  it('rolls back with the old version read on top of an update, the alert review and the calibration log', async () => {
    expect(await counted(mutation('rollbackDeviceConfig', { deviceId: 'cnt-1', version: 1 }))).toEqual({
      GetItem: 2,
      PutItem: 2,
      Query: 1,
      UpdateItem: 2,
    });
  });

  it('deletes with the tombstone, the history purge, the retired marker and the alert review', async () => {
    expect(await counted(mutation('deleteDevice', { id: 'cnt-1' }))).toEqual({
      BatchWriteItem: 1,
      GetItem: 1,
      PutItem: 1,
      Query: 2,
      UpdateItem: 1,
    });
  });

  it('creates again under a deleted id with one extra read and one extra write', async () => {
    expect(await counted(mutation('createDevice', { input: { id: 'cnt-1', name: 'again' } }))).toEqual({
      GetItem: 1,
      PutItem: 3,
      UpdateItem: 1,
    });
  });

  it('has made no Scan in any operation of this file', () => {
    expect(h.counter.total.size).toBeGreaterThan(0);
    expect(h.counter.total.has('Scan')).toBe(false);
  });
});
