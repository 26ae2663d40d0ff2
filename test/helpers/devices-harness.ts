import { Logger } from '@aws-lambda-powertools/logger';
import type { HttpRequest } from '@smithy/protocol-http';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ConfigMessage, ConfigPublisher } from '../../core/devices';
import { isErrorEnvelope, type ErrorEnvelope } from '../../core/shared/errors';
import { startDynamo, type EmbeddedDynamo } from '../../local/embedded/dynamodb';
import { createApi, type Api, type ApiDeps } from '../../resolvers/api/app';
import { buildApiDeps } from '../../resolvers/api/deps';
import { DuckDbTelemetryStore } from '../../core/telemetry';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

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

export interface DevicesHarness {
  dynamo: EmbeddedDynamo;
  api: Api;
  deps: ApiDeps;
  counter: RequestCounter;
  publisher: FakePublisher;
  stop(): Promise<void>;
}

/** dynalite in memory, the real API wiring, and a fake publisher unless one is given. */
export async function startDevicesHarness(
  options: { publisher?: ConfigPublisher; iotData?: IoTDataPlaneClient } = {},
): Promise<DevicesHarness> {
  const dynamo = await startDynamo({ tableName: 'yvr-test-data' });
  const counter = new RequestCounter();
  counter.attach(dynamo.client);
  const publisher = new FakePublisher();
  const iotData =
    options.iotData ?? new IoTDataPlaneClient({ endpoint: 'http://127.0.0.1:9', region: 'local' });
  // The devices tests never reach Cognito or telemetry; the full wiring still needs both.
  const telemetryStore = await DuckDbTelemetryStore.open({ path: ':memory:' });
  const cognito = new CognitoIdentityProviderClient({ endpoint: 'http://127.0.0.1:9', region: 'local' });
  const deps = buildApiDeps({
    dynamo: dynamo.client,
    tableName: dynamo.tableName,
    iotData,
    cognito,
    userPoolId: 'local_unused',
    telemetryStore,
    // Refused requests are logged at info by design; tests keep their output for failures.
    logger: new Logger({ serviceName: 'devices-test', logLevel: 'SILENT' }),
    ...(options.iotData ? {} : { configPublisher: options.publisher ?? publisher }),
  });
  return {
    dynamo,
    api: createApi(deps),
    deps,
    counter,
    publisher,
    async stop() {
      cognito.destroy();
      await telemetryStore.close();
      await dynamo.stop();
    },
  };
}

/** The answer as data; throws (failing the test) when it is an `__error` envelope. */
export function dataOf<T>(answer: unknown): T {
  if (isErrorEnvelope(answer)) throw new Error(`expected data, got ${JSON.stringify(answer.__error)}`);
  return answer as T;
}

/** The `__error` of an answer; throws (failing the test) when it is data. */
export function errorOf(answer: unknown): ErrorEnvelope['__error'] {
  if (!isErrorEnvelope(answer)) throw new Error(`expected an error, got ${JSON.stringify(answer)}`);
  return answer.__error;
}
