import { PublishCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { ConfigMessage, ConfigPublisher } from './config-publisher';

/** An injected IoT data-plane client, pointed at AWS IoT Core or at the local broker's route. */
export interface IotConfigPublisherOptions {
  client: IoTDataPlaneClient;
}

const encoder = new TextEncoder();

/**
 * Publishes through the IoT data plane (AWS IoT Core, or the local broker's
 * compatible HTTP route): retained so a device that reconnects later still
 * gets its config, QoS 1 so an online one gets it at least once.
 */
export class IotConfigPublisher implements ConfigPublisher {
  private readonly client: IoTDataPlaneClient;

  constructor(options: IotConfigPublisherOptions) {
    this.client = options.client;
  }

  async publish(messages: ConfigMessage[]): Promise<void> {
    const results = await Promise.allSettled(
      messages.map((message) =>
        this.client.send(
          new PublishCommand({
            topic: message.topic,
            qos: 1,
            retain: true,
            payload: encoder.encode(message.payload),
          }),
        ),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
