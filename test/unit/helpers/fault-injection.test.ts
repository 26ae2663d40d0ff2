import {
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  PutItemCommand,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import type { ConfigMessage, ConfigPublisher } from '../../../core/devices';
import type { TelemetryRecord } from '../../../core/telemetry/types';
import { MemoryTelemetry } from '../../../testkit/telemetry-fixtures';
import {
  FlakyPublisher,
  FlakyTelemetryStore,
  SERVER_ERROR,
  THROTTLED,
  always,
  faultOn,
  injectFaults,
} from '../../helpers/fault-injection';

/** A client answered in-process: requests the injector lets through get an empty answer. */
function offlineClient() {
  const reached: string[] = [];
  const client = new DynamoDBClient({
    region: 'local',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoint: 'http://127.0.0.1:9',
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        reached.push(request.headers['x-amz-target'] ?? '');
        return {
          response: new HttpResponse({
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Buffer.from('{}'),
          }),
        };
      },
    },
  });
  return { client, reached };
}

const get = (key: string) => new GetItemCommand({ TableName: 't', Key: { pk: { S: key } } });
const put = (key: string) => new PutItemCommand({ TableName: 't', Item: { pk: { S: key } } });

describe('injectFaults', () => {
  it('answers the requests the rule picks with the typed service error, and lets the others through', async () => {
    const { client, reached } = offlineClient();
    const faults = injectFaults(client, faultOn('PutItem', THROTTLED(), 'DEVICE#'));
    await expect(client.send(put('DEVICE#b1'))).rejects.toBeInstanceOf(ThrottlingException);
    await client.send(put('ALERT#a1'));
    await client.send(get('DEVICE#b1'));
    expect(reached).toEqual(['DynamoDB_20120810.PutItem', 'DynamoDB_20120810.GetItem']);
    expect(faults.injected.map((r) => [r.operation, r.call])).toEqual([['PutItem', 1]]);
    expect(faults.calls).toBe(3);
  });

  it('swaps its rule with fail and clears it with heal', async () => {
    const { client, reached } = offlineClient();
    const faults = injectFaults(client);
    await client.send(get('a'));
    faults.fail(always(SERVER_ERROR()));
    await expect(client.send(get('b'))).rejects.toBeInstanceOf(InternalServerError);
    faults.heal();
    await client.send(get('c'));
    expect(reached).toHaveLength(2);
    expect(faults.injected).toHaveLength(1);
  });

  it('never fails a request outside `only`', async () => {
    const { client, reached } = offlineClient();
    injectFaults(client, always(SERVER_ERROR()), (r) => r.operation === 'PutItem');
    await client.send(get('a'));
    await expect(client.send(put('a'))).rejects.toBeInstanceOf(InternalServerError);
    expect(reached).toEqual(['DynamoDB_20120810.GetItem']);
  });

  it('leaves the client alone once removed', async () => {
    const { client, reached } = offlineClient();
    injectFaults(client, always(SERVER_ERROR())).remove();
    await client.send(get('a'));
    expect(reached).toHaveLength(1);
  });
});

const record = (deviceId: string): TelemetryRecord => ({
  deviceId,
  time: 1,
  configVersion: 1,
  source: 'device',
  readings: [],
});

describe('FlakyTelemetryStore', () => {
  it('refuses the records decide names as retryable and passes the others to the store, indexes kept', async () => {
    const inner = new MemoryTelemetry();
    inner.failWith = (r) => (r.deviceId === 'c' ? { reason: 'inner', retryable: false } : undefined);
    const flaky = new FlakyTelemetryStore(inner, (_call, r) =>
      r.deviceId === 'b' ? 'throttled' : undefined,
    );
    const result = await flaky.write([record('a'), record('b'), record('c')]);
    expect(result.failures).toEqual([
      { index: 1, reason: 'throttled', retryable: true },
      { index: 2, reason: 'inner', retryable: false },
    ]);
    expect(inner.written.map((r) => r.deviceId)).toEqual(['a']);
    expect([flaky.calls, flaky.refused]).toEqual([1, 1]);
  });
});

describe('FlakyPublisher', () => {
  it('fails the calls failOn picks as a refused connection and passes the others on', async () => {
    const sent: ConfigMessage[][] = [];
    const inner: ConfigPublisher = { publish: async (messages) => void sent.push(messages) };
    const flaky = new FlakyPublisher(inner, (call) => call === 2);
    const batch = [{ topic: 'devices/b1/config', payload: '{}' }];
    await flaky.publish(batch);
    await expect(flaky.publish(batch)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await flaky.publish(batch);
    expect(sent).toHaveLength(2);
    expect(flaky.calls).toBe(3);
  });
});
