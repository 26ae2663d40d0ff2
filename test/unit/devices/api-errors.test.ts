import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import type { DeviceService } from '../../../core/devices';
import { GENERIC_ERROR_MESSAGE, NotFoundError } from '../../../core/shared/errors';
import { createApi } from '../../../resolvers/api/app';
import { mutation, query } from '../../../testkit/appsync-event';

const quietLogger = () => {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  return { logger, error: vi.spyOn(logger, 'error') };
};

/** An SDK-shaped failure: its name and message must never reach the caller. */
const sdkError = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput on table yvr-prod-data'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400, requestId: 'ABC' },
  });

const devicesThatThrow = (err: unknown) =>
  ({
    device: async () => {
      throw err;
    },
  }) as unknown as DeviceService;

describe('createApi error answers', () => {
  it('answers an SDK error from a device route with the generic message and logs it whole', async () => {
    const { logger, error } = quietLogger();
    const err = sdkError();
    const api = createApi({ devices: devicesThatThrow(err), logger });
    const answer = await api.resolve(query('device', { id: 'b1' }));
    expect(answer).toEqual({ __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE } });
    expect(JSON.stringify(answer)).not.toContain('Provisioned');
    expect(error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ error: err }));
  });

  it('answers a typed error thrown by a plain Powertools router with its own envelope', async () => {
    const { logger } = quietLogger();
    const other = new Router();
    other.onQuery('users', async () => {
      throw new NotFoundError('No such profile.');
    });
    const api = createApi({ devices: devicesThatThrow(null), logger }, { extraRouters: [other] });
    expect(await api.resolve(query('users', {}))).toEqual({
      __error: { errorType: 'NotFound', message: 'No such profile.' },
    });
  });

  it('answers an untyped error thrown by a plain Powertools router with the generic message', async () => {
    const { logger, error } = quietLogger();
    const other = new Router();
    other.onMutation('createUser', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'sub')");
    });
    const api = createApi({ devices: devicesThatThrow(null), logger }, { extraRouters: [other] });
    const answer = await api.resolve(mutation('createUser', {}));
    expect(answer).toEqual({ __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE } });
    expect(error).toHaveBeenCalled();
  });

  it('answers a field that no router serves with the generic message', async () => {
    const { logger } = quietLogger();
    const api = createApi({ devices: devicesThatThrow(null), logger });
    expect(await api.resolve(query('noSuchField', {}))).toEqual({
      __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE },
    });
  });

  it('answers a thrown non-Error value with the generic message', async () => {
    const { logger } = quietLogger();
    const api = createApi({ devices: devicesThatThrow('a string'), logger });
    expect(await api.resolve(query('device', { id: 'b1' }))).toEqual({
      __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE },
    });
  });
});
