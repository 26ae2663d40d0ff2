import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DynamoTable,
  UpdateBuilder,
  decodeKey,
  ifConditionFails,
  nullsFor,
  withoutNulls,
  withoutNullsDeep,
} from '../../../core/shared/dynamodb-table';
import { ServiceUnavailableError, ValidationError } from '../../../core/shared/errors';
import { encodeToken } from '../../../core/shared/pagination';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' }));
const ddb = mockClient(documents);
const table = new DynamoTable({ client: documents, tableName: 't' }, 'Things are unavailable; try again.');

const named = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => ddb.reset());

describe('DynamoTable', () => {
  it('sends every request to its table and answers the item', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'A', sk: 'B', x: 1 } });
    expect(await table.get({ pk: 'A', sk: 'B' }, { ConsistentRead: true })).toEqual({
      pk: 'A',
      sk: 'B',
      x: 1,
    });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 't',
      Key: { pk: 'A', sk: 'B' },
      ConsistentRead: true,
    });
  });

  it('turns throttling into ServiceUnavailable in the store words, keeping the cause', async () => {
    const throttled = named('ThrottlingException');
    ddb.on(PutCommand).rejects(throttled);
    const err: unknown = await table.put({ pk: 'A', sk: 'B' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toBe('Things are unavailable; try again.');
    expect((err as Error).cause).toBe(throttled);
  });

  it('lets a failed condition and other client errors through unchanged', async () => {
    const failed = named('ConditionalCheckFailedException');
    ddb.on(PutCommand).rejects(failed);
    await expect(table.put({ pk: 'A' }, { ConditionExpression: 'attribute_not_exists(pk)' })).rejects.toBe(
      failed,
    );
    const invalid = named('ValidationException');
    ddb.on(PutCommand).rejects(invalid);
    await expect(table.put({ pk: 'A' })).rejects.toBe(invalid);
  });

  it('pages a Query from the start key and makes the next token from where it stopped', async () => {
    const last = { pk: 'A', sk: '2' };
    ddb.on(QueryCommand).resolves({ Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: last });
    const page = await table.page(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'A' }, Limit: 2 },
      { pk: 'A', sk: '0' },
      (item) => item.n as number,
    );
    expect(page).toEqual({ items: [1, 2], nextToken: encodeToken(last) });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 't',
      Limit: 2,
      ExclusiveStartKey: { pk: 'A', sk: '0' },
    });
  });

  it('ends a page without a token when the Query reached the end', async () => {
    ddb.on(QueryCommand).resolves({});
    const page = await table.page({ KeyConditionExpression: 'pk = :pk' }, undefined, (item) => item);
    expect(page).toEqual({ items: [], nextToken: null });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).not.toHaveProperty('ExclusiveStartKey');
  });

  it('follows every page of a Query to its end', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'A', sk: '1' } })
      .resolvesOnce({ Items: [{ n: 2 }] });
    const seen: unknown[] = [];
    for await (const items of table.pages({ KeyConditionExpression: 'pk = :pk' })) seen.push(...items);
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({ pk: 'A', sk: '1' });
  });

  it('deletes in batches of 25 and sends unprocessed keys again', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => ({ pk: 'A', sk: String(i) }));
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { t: [{ DeleteRequest: { Key: keys[0] } }] } })
      .resolves({});
    await table.deleteAll(keys);
    const sizes = ddb.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.t?.length);
    expect(sizes).toEqual([25, 1, 5]);
  });
});

describe('ifConditionFails', () => {
  it('answers the fallback when the condition fails, and the write otherwise', async () => {
    const failed = named('ConditionalCheckFailedException');
    expect(await ifConditionFails(Promise.reject(failed), (err) => err)).toBe(failed);
    expect(await ifConditionFails(Promise.resolve('written'), () => 'fallback')).toBe('written');
  });

  it('rethrows any other failure', async () => {
    const other = named('ValidationException');
    await expect(ifConditionFails(Promise.reject(other), () => 'fallback')).rejects.toBe(other);
  });
});

describe('UpdateBuilder', () => {
  it('sets values and removes nulls under placeholders named after the attributes', () => {
    const update = new UpdateBuilder()
      .set('name', 'Buoy')
      .set('description', null)
      .set('location', { latitude: 1, longitude: null })
      .remove('gsi2pk')
      .condition('configVersion = :read', { ':read': 3 })
      .build();
    expect(update).toEqual({
      UpdateExpression: 'SET #name = :name, #location = :location REMOVE #description, #gsi2pk',
      ExpressionAttributeNames: {
        '#name': 'name',
        '#description': 'description',
        '#location': 'location',
        '#gsi2pk': 'gsi2pk',
      },
      ExpressionAttributeValues: { ':name': 'Buoy', ':location': { latitude: 1 }, ':read': 3 },
      ConditionExpression: 'configVersion = :read',
    });
  });

  it('leaves out values and condition when there are none', () => {
    expect(new UpdateBuilder().remove('a').build()).toEqual({
      UpdateExpression: 'REMOVE #a',
      ExpressionAttributeNames: { '#a': 'a' },
    });
  });

  it('refuses a condition value under the placeholder of an attribute it sets', () => {
    const update = new UpdateBuilder().set('at', 'x');
    expect(() => update.condition('at < :at', { ':at': 'y' })).toThrow(/given twice/);
  });
});

describe('withoutNulls', () => {
  it('drops null and undefined attributes, only at the top unless deep', () => {
    const item = { a: 1, b: null, c: undefined, d: { e: null, f: [{ g: null, h: 0 }] } };
    expect(withoutNulls(item)).toEqual({ a: 1, d: { e: null, f: [{ g: null, h: 0 }] } });
    expect(withoutNullsDeep(item)).toEqual({ a: 1, d: { f: [{ h: 0 }] } });
  });

  it('leaves no null attribute at any depth (list elements stay), and a value without them as it was', () => {
    const hasNull = (v: unknown): boolean =>
      typeof v === 'object' &&
      v !== null &&
      (Array.isArray(v) ? v.some(hasNull) : Object.values(v).some((x) => x === null || hasNull(x)));
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(hasNull(withoutNullsDeep(value))).toBe(false);
        if (!hasNull(value)) expect(withoutNullsDeep(value)).toEqual(value);
      }),
    );
  });
});

describe('nullsFor', () => {
  it('reads each named attribute, null where the item has none, and nothing else', () => {
    expect(nullsFor({ a: 1, b: false, c: 'x', keep: 'out' }, ['a', 'b', 'c', 'd'])).toEqual({
      a: 1,
      b: false,
      c: 'x',
      d: null,
    });
  });
});

describe('decodeKey', () => {
  const attributes = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
  const key = { pk: 'DEVICE#a', sk: 'META', gsi1pk: 'DEVICE', gsi1sk: 'a' };

  it('answers undefined for no token and the key for a token of exactly those attributes', () => {
    expect(decodeKey(undefined, attributes)).toBeUndefined();
    expect(decodeKey(null, attributes)).toBeUndefined();
    expect(decodeKey(encodeToken(key), attributes)).toEqual(key);
  });

  it.each([
    ['a missing attribute', { pk: 'DEVICE#a', sk: 'META', gsi1pk: 'DEVICE' }],
    ['an extra attribute', { ...key, x: 'y' }],
    ['a number where a string belongs', { ...key, gsi1sk: 1 }],
  ])('refuses a token with %s as a ValidationError on nextToken', (_, forged) => {
    const err: unknown = (() => {
      try {
        return decodeKey(encodeToken(forged), attributes);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.field).toBe('nextToken');
  });

  it('refuses a key of another partition with the listing own message', () => {
    expect(() =>
      decodeKey(encodeToken(key), attributes, (k) => k.gsi1pk === 'ALERT', 'is not a token of this listing'),
    ).toThrow('nextToken: is not a token of this listing');
  });
});
