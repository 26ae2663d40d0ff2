import { Logger } from '@aws-lambda-powertools/logger';
import type { HttpRequest } from '@smithy/protocol-http';
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IotConfigPublisher, type ConfigMessage, type ConfigPublisher } from '../../core/devices';
import { startDynamo, type EmbeddedDynamo } from '../../local/embedded/dynamodb';
import { createApi, type Api } from '../../resolvers/api/app';
import { buildApiDeps, type AreaDeps } from '../../resolvers/api/deps';

/**
 * Counts DynamoDB requests on the wire by operation (the `X-Amz-Target`
 * header), at the end of the finalize step so SDK retries count too. The
 * document client shares the base client's stack, so its requests count.
 */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  /** Every operation since the counter was attached; reset() leaves it alone. */
  readonly total = new Map<string, number>();

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as HttpRequest).headers ?? {};
        const target = headers['x-amz-target'] ?? 'unknown';
        const name = target.slice(target.indexOf('.') + 1);
        this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
        this.total.set(name, (this.total.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'devicesRequestCounter', priority: 'low' },
    );
  }

  reset(): void {
    this.counts.clear();
  }

  /** `{ GetItem: 1, ... }`, for exact assertions. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** A publisher that records what it would publish, and fails on demand. */
export class FakePublisher implements ConfigPublisher {
  readonly published: ConfigMessage[][] = [];
  failing: Error | undefined;

  async publish(messages: ConfigMessage[]): Promise<void> {
    if (this.failing) throw this.failing;
    this.published.push(messages);
  }

  /** The retained payload of a topic as a broker would hold it after every publish so far. */
  retained(topic: string): string | undefined {
    let value: string | undefined;
    for (const batch of this.published) {
      for (const m of batch) if (m.topic === topic) value = m.payload === '' ? undefined : m.payload;
    }
    return value;
  }
}

/** The areas a devices harness builds: devices, and alerts (a config change reviews a device's alerts). */
type DevicesAreas = 'devices' | 'alerts';

export interface DevicesHarness {
  dynamo: EmbeddedDynamo;
  api: Api;
  deps: AreaDeps<DevicesAreas>;
  counter: RequestCounter;
  publisher: FakePublisher;
  stop(): Promise<void>;
}

/**
 * dynalite in memory and the real API (buildApiDeps + createApi, its error
 * net included) over the devices and alerts areas only: no Cognito or
 * telemetry clients. Config goes to a fake publisher unless a publisher or an
 * IoT data client is given.
 */
export async function startDevicesHarness(
  options: { publisher?: ConfigPublisher; iotData?: IoTDataPlaneClient } = {},
): Promise<DevicesHarness> {
  const dynamo = await startDynamo({ tableName: 'yvr-test-data' });
  const counter = new RequestCounter();
  counter.attach(dynamo.client);
  const publisher = new FakePublisher();
  const deps = buildApiDeps(
    {
      dynamo: dynamo.client,
      tableName: dynamo.tableName,
      // Refused requests are logged at info by design; tests keep their output for failures.
      logger: new Logger({ serviceName: 'devices-test', logLevel: 'SILENT' }),
      configPublisher: options.iotData
        ? new IotConfigPublisher({ client: options.iotData })
        : (options.publisher ?? publisher),
    },
    ['devices', 'alerts'],
  );
  return {
    dynamo,
    api: createApi(deps),
    deps,
    counter,
    publisher,
    async stop() {
      await dynamo.stop();
    },
  };
}
