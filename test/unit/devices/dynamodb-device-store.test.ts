import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeviceStore, type SettingsWrite } from '../../../core/devices';
import { DeviceExistsError, DeviceRetiredError, StaleDeviceError } from '../../../core/devices/errors';
import { ServiceUnavailableError } from '../../../core/shared/errors';
import { encodeToken } from '../../../core/shared/pagination';
import { sensorFixture } from '../../helpers/device-fixtures';
import { conditionFailed, mockedDocuments } from '../../helpers/dynamodb-mock';

const { documents, mock: ddb } = mockedDocuments();
const store = new DynamoDeviceStore({ client: documents, tableName: 't' });

const write: SettingsWrite = {
  id: 'b1',
  settings: {
    name: 'Buoy',
    description: null,
    enabled: true,
    location: { latitude: 1, longitude: 2 },
    sensorIntervalMs: 600_000,
    sensors: [sensorFixture('ph')],
    silenceAfterIntervals: 3,
  },
  version: 2,
  change: {
    version: 2,
    change: 'updateDevice',
    changedBy: 'ada',
    changedAt: '2026-11-27T00:00:00.000Z',
    diff: [],
  },
  retiredSensorIds: [],
  at: '2026-11-27T00:00:00.000Z',
  by: 'ada',
};

beforeEach(() => {
  ddb.reset();
});

describe('DynamoDeviceStore', () => {
  it('lists devices with a Query on gsi1, resuming from the token', async () => {
    const start = { pk: 'DEVICE#a', sk: 'META', gsi1pk: 'DEVICE', gsi1sk: 'a' };
    const last = { pk: 'DEVICE#c', sk: 'META', gsi1pk: 'DEVICE', gsi1sk: 'c' };
    ddb.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: last });
    const page = await store.list(2, encodeToken(start));
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 't',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'DEVICE' },
      Limit: 2,
      ExclusiveStartKey: start,
    });
    expect(page.nextToken).toBe(encodeToken(last));
  });

  it('lists undelivered devices with a Query on the sparse gsi2', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.listUndelivered(10);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'UNDELIVERED' },
    });
  });

  it('reports an id of a deleted device as DeviceRetiredError with its last version', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb
      .on(GetCommand)
      .resolves({ Item: { pk: 'DEVICE#b1', sk: 'META', type: 'retiredDevice', retiredVersion: 9 } });
    const err: unknown = await store.create({ ...write, version: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceRetiredError);
    expect((err as DeviceRetiredError).retiredVersion).toBe(9);
  });

  it('replaces a retired marker only at the version it was read with', async () => {
    ddb.on(PutCommand).resolves({});
    await store.create({ ...write, version: 10 }, 9);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#type = :retired AND retiredVersion = :rv',
      ExpressionAttributeValues: { ':retired': 'retiredDevice', ':rv': 9 },
      Item: { configVersion: 10 },
    });
  });

  it('creates with a condition on a free key, and reports a taken one as DeviceExistsError', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { pk: 'DEVICE#b1', sk: 'META', type: 'device' } });
    await expect(store.create({ ...write, version: 1 })).rejects.toBeInstanceOf(DeviceExistsError);
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.Item).toMatchObject({
      pk: 'DEVICE#b1',
      sk: 'META',
      gsi1pk: 'DEVICE',
      gsi1sk: 'b1',
      gsi2pk: 'UNDELIVERED',
      location: { latitude: 1, longitude: 2 },
    });
    expect(input?.Item).not.toHaveProperty('description');
  });

  it('writes settings conditionally on the version read, and reports a lost race as StaleDeviceError', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.writeSettings(write, 1)).rejects.toBeInstanceOf(StaleDeviceError);
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('configVersion = :read AND attribute_not_exists(deletingAt)');
    expect(input?.ExpressionAttributeValues?.[':read']).toBe(1);
    expect(input?.UpdateExpression).toContain('#gsi2pk');
    expect(input?.UpdateExpression).toMatch(/REMOVE .*#description/);
    expect(input?.UpdateExpression).not.toContain('lastSeenAt');
  });

  it('ignores touchLastSeen for a missing device or an older time', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.touchLastSeen('gone', '2026-11-27T10:00:00Z')).resolves.toBeUndefined();
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ExpressionAttributeValues?.[':at']).toBe('2026-11-27T10:00:00.000Z');
    expect(input?.ConditionExpression).toContain('lastSeenAt < :at');
  });

  it('hides a device that is being deleted from get', async () => {
    ddb.on(GetCommand).resolves({
      Item: {
        id: 'b1',
        name: 'x',
        enabled: true,
        sensorIntervalMs: 1000,
        sensors: [],
        configVersion: 3,
        configStatus: 'PENDING',
        createdAt: 'a',
        updatedAt: 'b',
        deletingAt: '2026-11-27T00:00:00.000Z',
      },
    });
    expect(await store.get('b1')).toBeUndefined();
    expect((await store.getRecord('b1'))?.deletingAt).toBe('2026-11-27T00:00:00.000Z');
  });

  it('hides the retired marker of a deleted device from get and getRecord', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { pk: 'DEVICE#b1', sk: 'META', type: 'retiredDevice', retiredVersion: 3 } });
    expect(await store.get('b1')).toBeUndefined();
    expect(await store.getRecord('b1')).toBeUndefined();
  });

  it('turns throttling into ServiceUnavailable, keeping the SDK error as the cause', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    ddb.on(UpdateCommand).rejects(throttled);
    const err: unknown = await store.writeSettings(write, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).not.toContain('Throttling');
    expect((err as Error).cause).toBe(throttled);
  });

  it('lets a non-transient SDK failure through unchanged', async () => {
    const bug = Object.assign(new Error('Invalid UpdateExpression'), { name: 'ValidationException' });
    ddb.on(UpdateCommand).rejects(bug);
    await expect(store.writeSettings(write, 1)).rejects.toBe(bug);
  });
});
