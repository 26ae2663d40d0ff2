import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { IotConfigPublisher } from '../../../core/devices';

const iot = mockClient(IoTDataPlaneClient);

beforeEach(() => {
  iot.reset();
});

describe('IotConfigPublisher', () => {
  it('publishes every message retained with QoS 1', async () => {
    iot.on(PublishCommand).resolves({});
    const publisher = new IotConfigPublisher({ client: new IoTDataPlaneClient({ region: 'local' }) });
    await publisher.publish([
      { topic: 'b1/config', payload: '{"sensor_interval":"600000"}' },
      { topic: 'devices/b1/config', payload: '' },
    ]);
    const calls = iot.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(
      calls.map((c) => [c.topic, c.qos, c.retain, new TextDecoder().decode(c.payload as Uint8Array)]),
    ).toEqual([
      ['b1/config', 1, true, '{"sensor_interval":"600000"}'],
      ['devices/b1/config', 1, true, ''],
    ]);
  });

  it('fails the whole publish when one message fails, after trying them all', async () => {
    iot
      .on(PublishCommand)
      .resolves({})
      .on(PublishCommand, { topic: 'b1/config' })
      .rejects(new Error('throttled'));
    const publisher = new IotConfigPublisher({ client: new IoTDataPlaneClient({ region: 'local' }) });
    await expect(
      publisher.publish([
        { topic: 'b1/config', payload: 'x' },
        { topic: 'devices/b1/config', payload: 'y' },
      ]),
    ).rejects.toThrow('throttled');
    expect(iot.commandCalls(PublishCommand)).toHaveLength(2);
  });
});
