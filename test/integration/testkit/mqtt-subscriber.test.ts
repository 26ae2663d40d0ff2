import { describe, expect, it } from 'vitest';
import { useMqtt } from '../../../testkit/embedded';
import { byTopic, receivedOnSubscribe } from '../../../testkit/mqtt-subscriber';
import { WaitTimeoutError } from '../../../testkit/wait-for';

// The subscriber helper on its own, against the embedded broker (the helper needs a broker to be tested).
const broker = useMqtt();

describe('receivedOnSubscribe', () => {
  it('returns the retained messages of the filter, marked retained, grouped by topic with byTopic', async () => {
    await broker.publish({ topic: 'sub-1/config', payload: 'a', qos: 1, retain: true });
    await broker.publish({ topic: 'sub-1/config/sensor/ph', payload: 'b', qos: 1, retain: true });
    const received = await receivedOnSubscribe(broker.url, 'sub-1/config/#', { count: 2 });
    expect(received.every((r) => r.retain)).toBe(true);
    expect(byTopic(received)).toEqual(
      new Map([
        ['sub-1/config', ['a']],
        ['sub-1/config/sensor/ph', ['b']],
      ]),
    );
  });

  it('gives up within its bound when fewer messages arrive, naming the filter', async () => {
    await broker.publish({ topic: 'sub-2/config', payload: 'only', qos: 1, retain: true });
    const error = await receivedOnSubscribe(broker.url, 'sub-2/#', { count: 2, timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(/2 message\(s\) on sub-2\/#, got 1/);
  });
});
