import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { RejectedMessage } from '../../../core/generated/graphql';
import { RejectedMessageService, type RejectedMessageStore } from '../../../core/rejected';
import { TelemetryService } from '../../../core/telemetry';
import type { RangeQuery } from '../../../core/telemetry/types';
import { createApi } from '../../../resolvers/api/app';
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
  const app = createApi({ telemetry, rejected, logger: silent });
  return { resolve: (event: unknown) => app.resolve(event), ranges };
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

  // AppSync checks only the GraphQL types; a hostile event still gets the argument named.
  it.each([
    ['readings', { ...readingsArgs, limit: 'ten' }, 'limit: must be a number'],
    ['readings', { ...readingsArgs, limit: 2.5 }, 'limit: must be an int'],
    ['readings', { sensor: 'ph', from: readingsArgs.from, to: readingsArgs.to }, 'deviceId: is required'],
    ['readings', { ...readingsArgs, minQuality: '1' }, 'minQuality: must be a number'],
    ['latestReadings', {}, 'deviceId: is required'],
    ['latestReadings', { deviceId: 42 }, 'deviceId: must be a string'],
    ['latestReadings', { deviceId: 'no spaces' }, 'deviceId: is not a device id'],
  ])('answers %s with %j as a ValidationError naming the argument', async (field, args, message) => {
    const { resolve } = api();
    expect(await resolve(appSyncEvent('Query', field, args, { identity: user() }))).toEqual({
      __error: { errorType: 'ValidationError', message },
    });
  });

  it.each([
    ['Query', 'rejectedMessages', { deviceId: 42 }, 'deviceId: must be a string'],
    ['Query', 'rejectedMessages', { limit: 'all' }, 'limit: must be a number'],
    ['Mutation', 'replayRejectedMessage', {}, 'id: is required'],
    ['Mutation', 'replayRejectedMessage', { id: ['abc'] }, 'id: must be a string'],
  ] as const)(
    'answers %s %s with %j as a ValidationError naming the argument',
    async (type, field, args, message) => {
      const { resolve } = api();
      expect(await resolve(appSyncEvent(type, field, args, { identity: admin() }))).toEqual({
        __error: { errorType: 'ValidationError', message },
      });
    },
  );

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
