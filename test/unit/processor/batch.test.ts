import { describe, expect, it } from 'vitest';
import { DeviceCache } from '../../../processors/calibration/device-cache';
import { fakePipeline } from '../../../testkit/fake-pipeline';
import {
  FakeDevices,
  NOW,
  message,
  sqsEvent,
  sqsRecord,
  tenSensorMessage,
} from '../../../testkit/telemetry-fixtures';
import { sqsBatchHandlerOn } from '../../helpers/sqs-batch-handler';

function setup() {
  const devices = new FakeDevices();
  const cache = new DeviceCache({ source: devices, clock: () => NOW });
  const { pipeline, telemetry } = fakePipeline({ devices, lookup: cache });
  return { ...sqsBatchHandlerOn(pipeline), devices, telemetry };
}

describe('SQS batch handler', () => {
  it('names exactly the records whose messages may succeed later', async () => {
    const { handle, telemetry } = setup();
    telemetry.failWith = (r) =>
      r.time === NOW - 2000 ? { reason: 'ThrottlingException', retryable: true } : undefined;
    const response = await handle(
      sqsEvent([
        sqsRecord(tenSensorMessage('b1', NOW - 1000, 1), 'm1'),
        sqsRecord(tenSensorMessage('b1', NOW - 2000, 2), 'm2'),
        sqsRecord(tenSensorMessage('b1', NOW - 3000, 3), 'm3'),
      ]),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(telemetry.written).toHaveLength(2);
  });

  it('keeps a message that can never succeed as a rejected message and lets its record succeed', async () => {
    const { handle, store } = setup();
    const response = await handle(
      sqsEvent([
        sqsRecord(message('devices/b1/readings', '{oops'), 'bad'),
        sqsRecord(tenSensorMessage(), 'good'),
      ]),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect([...store.items.values()]).toEqual([
      expect.objectContaining({
        deviceId: 'b1',
        topic: 'devices/b1/readings',
        payload: '{oops',
        payloadEncoding: 'utf8',
        reason: expect.stringMatching(/not valid JSON/),
        receivedAt: new Date(NOW).toISOString(),
        replayCount: 0,
      }),
    ]);
  });

  it('keeps a body that is not the rule envelope as a rejected message', async () => {
    const { handle, store } = setup();
    const record = { ...sqsRecord(tenSensorMessage(), 'x'), body: 'not json' };
    expect(await handle(sqsEvent([record]))).toEqual({ batchItemFailures: [] });
    expect([...store.items.values()][0]).toMatchObject({
      topic: 'sqs',
      payload: 'not json',
      reason: expect.stringMatching(/envelope/),
    });
  });

  it('names the envelope fields a JSON body lacks, in words', async () => {
    const { handle, store } = setup();
    const record = {
      ...sqsRecord(tenSensorMessage(), 'x'),
      body: JSON.stringify({ payload: 'aGk=', receivedAt: 1 }),
    };
    expect(await handle(sqsEvent([record]))).toEqual({ batchItemFailures: [] });
    expect([...store.items.values()][0]?.reason).toBe(
      "the SQS body is not the IoT rule's envelope: topic: Invalid input: expected string, received undefined",
    );
  });

  it('keeps a message still failing on its last delivery as a rejected message with the reason', async () => {
    const { handle, telemetry, store } = setup();
    telemetry.failWith = () => ({ reason: 'ThrottlingException', retryable: true });
    const early = sqsRecord(tenSensorMessage('b1', NOW - 1000, 1), 'early');
    const last = sqsRecord(tenSensorMessage('b1', NOW - 2000, 2), 'last');
    early.attributes.ApproximateReceiveCount = '4';
    last.attributes.ApproximateReceiveCount = '5';
    const response = await handle(sqsEvent([early, last]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'early' }]);
    expect([...store.items.values()].map((m) => m.reason)).toEqual([
      'not processed after 5 attempts: ThrottlingException',
    ]);
  });

  it('fails the record when its rejection cannot be kept, so it is not lost', async () => {
    const { handle, store } = setup();
    store.failPuts = true;
    const response = await handle(sqsEvent([sqsRecord(message('nowhere', '{}'), 'r1')]));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'r1' }] });
  });

  it('returns every record as failed, without throwing, when the whole batch must be retried', async () => {
    const { handle, telemetry } = setup();
    telemetry.failWith = () => ({ reason: 'throttled', retryable: true });
    const response = await handle(
      sqsEvent([sqsRecord(tenSensorMessage(), 'a'), sqsRecord(tenSensorMessage('b1', NOW - 5), 'b')]),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
  });

  it('keeps one rejected item when the same bad message is delivered twice', async () => {
    const { handle, store } = setup();
    const bad = message('devices/ghost/readings', { readings: { ph: 1 } });
    await handle(sqsEvent([sqsRecord(bad, 'first')]));
    await handle(sqsEvent([sqsRecord(bad, 'again')]));
    expect(store.items.size).toBe(1);
  });

  it('reads each device at most once across batches within the cache TTL', async () => {
    const { handle, devices } = setup();
    for (let b = 0; b < 5; b++) {
      await handle(
        sqsEvent(
          Array.from({ length: 10 }, (_, i) =>
            sqsRecord(tenSensorMessage('b1', NOW - (b * 10 + i + 1) * 1000, i), `m${b}-${i}`),
          ),
        ),
      );
    }
    expect(devices.reads).toBe(1);
  });
});
