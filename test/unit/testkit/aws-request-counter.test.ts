import { DynamoDBClient, GetItemCommand, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { countRequests } from '../../../testkit/aws-request-counter';
import { THROTTLED, injectFaults } from '../../helpers/fault-injection';

/** A client whose requests are answered in-process (an empty GetItem answer): no network. */
const offlineClient = (maxAttempts = 3) =>
  new DynamoDBClient({
    region: 'local',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoint: 'http://127.0.0.1:9',
    maxAttempts,
    requestHandler: {
      handle: async () => ({
        response: new HttpResponse({
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Buffer.from('{}'),
        }),
      }),
    },
  });

const get = (key: string) => new GetItemCommand({ TableName: 't', Key: { pk: { S: key } } });

describe('countRequests', () => {
  it('counts the requests a client sends by operation, and forgets them on reset', async () => {
    const client = offlineClient();
    const counter = countRequests(client);
    await client.send(get('a'));
    await client.send(get('b'));
    expect(counter.operations).toEqual(['GetItem', 'GetItem']);
    expect(counter.counts()).toEqual({ GetItem: 2 });
    counter.reset();
    expect(counter.counts()).toEqual({});
  });

  it('counts each retry of a request as the request it is', async () => {
    const client = offlineClient(3);
    const counter = countRequests(client);
    injectFaults(client, () => THROTTLED());
    await expect(client.send(get('a'))).rejects.toBeInstanceOf(ThrottlingException);
    expect(counter.counts()).toEqual({ GetItem: 3 });
  });
});
