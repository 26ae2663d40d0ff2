import { beforeEach, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../../../core/shared/errors';
import { encodeToken } from '../../../core/shared/pagination';
import { DynamoUserStore } from '../../../core/users';
import { conditionFailed, mockedDocuments } from '../../helpers/dynamodb-mock';
import { userProfile } from '../../helpers/user-fixtures';

const { documents, mock } = mockedDocuments();
const store = new DynamoUserStore({ client: documents, tableName: 'yvr-test-data' });

const item = (id: string) => ({
  pk: `USER#${id}`,
  sk: 'PROFILE',
  gsi1pk: 'USER',
  gsi1sk: id,
  id,
  email: `${id}@example.com`,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

beforeEach(() => mock.reset());

describe('DynamoUserStore', () => {
  it('reads one profile with a consistent GetItem on its key and hides the keys', async () => {
    mock.on(GetCommand).resolves({ Item: { ...item('a-1'), name: 'A' } });
    const user = await store.get('a-1');
    expect(mock.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'yvr-test-data',
      Key: { pk: 'USER#a-1', sk: 'PROFILE' },
      ConsistentRead: true,
    });
    expect(user).toEqual(userProfile('a-1', { name: 'A' }));
  });

  it('creates with a condition, indexes the profile on gsi1 and leaves out null fields', async () => {
    mock.on(PutCommand).resolves({});
    await store.create(userProfile('a-1', { phone: '604' }));
    const input = mock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.Item).toMatchObject({ gsi1pk: 'USER', gsi1sk: 'a-1', phone: '604' });
    expect(input?.Item).not.toHaveProperty('name');
  });

  it('turns a failed create condition into Conflict', async () => {
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(store.create(userProfile('a-1'))).rejects.toBeInstanceOf(ConflictError);
  });

  it('lists with one Query on gsi1 asking one item more than the page', async () => {
    mock.on(QueryCommand).resolves({ Items: [item('a'), item('b'), item('c')] });
    const page = await store.list(2);
    expect(mock.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'USER' },
      Limit: 3,
    });
    expect(page.items.map((u) => u.id)).toEqual(['a', 'b']);
    expect(page.nextToken).toBe(encodeToken({ pk: 'USER#b', sk: 'PROFILE', gsi1pk: 'USER', gsi1sk: 'b' }));
  });

  it('continues from the token and ends without one', async () => {
    mock.on(QueryCommand).resolves({ Items: [item('c')] });
    const token = encodeToken({ pk: 'USER#b', sk: 'PROFILE', gsi1pk: 'USER', gsi1sk: 'b' });
    const page = await store.list(2, token);
    expect(mock.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: 'USER#b',
      sk: 'PROFILE',
      gsi1pk: 'USER',
      gsi1sk: 'b',
    });
    expect(page.nextToken).toBeNull();
  });

  it('rejects a token that is not a users cursor before querying', async () => {
    const forged = encodeToken({ pk: 'DEVICE#1', sk: 'META', gsi1pk: 'DEVICE', gsi1sk: '1' });
    await expect(store.list(2, forged)).rejects.toBeInstanceOf(ValidationError);
    expect(mock.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('updates with SET for values and REMOVE for nulls, on an existing profile only', async () => {
    mock.on(UpdateCommand).resolves({ Attributes: item('a-1') });
    await store.update('a-1', { name: 'A', phone: null }, '2026-02-01T00:00:00.000Z');
    const input = mock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe('SET #updatedAt = :updatedAt, #name = :name REMOVE #phone');
    expect(input?.ConditionExpression).toBe('attribute_exists(pk)');
    expect(input?.ExpressionAttributeValues).toEqual({
      ':updatedAt': '2026-02-01T00:00:00.000Z',
      ':name': 'A',
    });
  });

  it('turns a failed update condition into NotFound', async () => {
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.update('a-1', { name: 'A' }, 'now')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('relinks an email with one conditional write and treats a failed condition as nothing to do', async () => {
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.updateEmail('a-1', 'new@example.com', 'now')).resolves.toBeUndefined();
    expect(mock.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_exists(pk) AND #email <> :email',
    );
  });

  it('returns what a delete removed, or undefined when nothing was there', async () => {
    mock
      .on(DeleteCommand)
      .resolvesOnce({ Attributes: item('a-1') })
      .resolvesOnce({});
    expect((await store.delete('a-1'))?.id).toBe('a-1');
    expect(await store.delete('a-1')).toBeUndefined();
  });

  it('turns throttling and server faults into ServiceUnavailable and keeps the cause', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
    });
    const fault = Object.assign(new Error('boom'), { name: 'InternalServerError', $fault: 'server' });
    mock.on(GetCommand).rejectsOnce(throttled).rejectsOnce(fault);
    const first = await store.get('a-1').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ServiceUnavailableError);
    expect((first as Error).cause).toBe(throttled);
    await expect(store.get('a-1')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('lets an unexpected error through unchanged, to be logged whole', async () => {
    const bug = Object.assign(new Error('One or more parameter values were invalid'), {
      name: 'ValidationException',
    });
    mock.on(GetCommand).rejects(bug);
    await expect(store.get('a-1')).rejects.toBe(bug);
  });
});
