import { AppSyncGraphQLResolver } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { RejectedMessage } from '../../../core/generated/graphql';
import { RejectedMessageService, type RejectedMessageStore } from '../../../core/rejected';
import { TelemetryService } from '../../../core/telemetry';
import type { RangeQuery } from '../../../core/telemetry/types';
import { rejectedRouter } from '../../../resolvers/api/rejected-router';
import { telemetryRouter } from '../../../resolvers/api/telemetry-router';
import { admin, appSyncEvent, user } from '../../../testkit/appsync-event';

const silent = new Logger({ serviceName: 'routers-test', logLevel: 'SILENT' });

function api() {
  const ranges: RangeQuery[] = [];
  const telemetry = new TelemetryService({
    store: {
      latest: async () => [],
      range: async (q) => {
        ranges.push(q);
        return { items: [], nextToken: null };
      },
    },
  });
  const message: RejectedMessage = {
    id: 'abc',
    deviceId: 'b1',
    topic: 'devices/b1/readings',
    payload: '{}',
    payloadEncoding: 'utf8',
    reason: 'readings: is required',
    receivedAt: '2026-11-27T00:00:00.000Z',
    replayCount: 0,
    lastReplayedAt: null,
  };
  const store: RejectedMessageStore = {
    put: async () => undefined,
    get: async (id) => (id === 'abc' ? message : undefined),
    list: async () => ({ items: [message], nextToken: null }),
    delete: async () => undefined,
    recordReplay: async () => ({ ...message, replayCount: 1 }),
  };
  const rejected = new RejectedMessageService({
    store,
    pipeline: {
      process: async (msgs) =>
        msgs.map((m) => ({
          status: 'rejected',
          message: m,
          deviceId: 'b1',
          reason: 'still bad',
          partial: false,
        })),
    },
  });
  const app = new AppSyncGraphQLResolver({ logger: silent });
  app.includeRouter([telemetryRouter(telemetry, silent), rejectedRouter(rejected, silent)]);
  return { resolve: (event: unknown) => app.resolve(event, {} as Context), ranges };
}

const readingsArgs = {
  deviceId: 'b1',
  sensor: 'ph',
  from: '2026-11-26T00:00:00Z',
  to: '2026-11-27T00:00:00Z',
  interval: '1h',
};

describe('telemetry and rejected routers', () => {
  it('serves readings to a user', async () => {
    const { resolve, ranges } = api();
    expect(await resolve(appSyncEvent('Query', 'readings', readingsArgs, { identity: user() }))).toEqual({
      items: [],
      nextToken: null,
    });
    expect(ranges[0]).toMatchObject({ intervalMs: 3_600_000, limit: 500 });
  });

  it('answers a bad interval as a ValidationError envelope', async () => {
    const { resolve } = api();
    const answer = await resolve(
      appSyncEvent('Query', 'readings', { ...readingsArgs, interval: 'hourly' }, { identity: user() }),
    );
    expect(answer).toMatchObject({ __error: { errorType: 'ValidationError' } });
  });

  it('refuses rejected messages to a user', async () => {
    const { resolve } = api();
    const answer = await resolve(appSyncEvent('Query', 'rejectedMessages', {}, { identity: user() }));
    expect(answer).toMatchObject({ __error: { errorType: 'Unauthorized' } });
  });

  it('lists and replays rejected messages for an admin', async () => {
    const { resolve } = api();
    expect(
      await resolve(appSyncEvent('Query', 'rejectedMessages', { limit: 10 }, { identity: admin() })),
    ).toMatchObject({
      items: [{ id: 'abc' }],
      nextToken: null,
    });
    expect(
      await resolve(appSyncEvent('Mutation', 'replayRejectedMessage', { id: 'abc' }, { identity: admin() })),
    ).toMatchObject({
      accepted: false,
      reason: 'still bad',
      message: { replayCount: 1 },
    });
  });
});
