import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import type { DeviceService } from '../../../core/devices';
import type { UserService } from '../../../core/users';
import {
  ConflictError,
  GENERIC_ERROR_MESSAGE,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '../../../core/shared/errors';
import { createApi } from '../../../resolvers/api/app';
import { mutation, nobody, query } from '../../../testkit/appsync-event';

const quietLogger = () => {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  return { logger, error: vi.spyOn(logger, 'error'), info: vi.spyOn(logger, 'info') };
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

const usersThatThrow = (err: unknown) =>
  ({
    createUser: async () => {
      throw err;
    },
  }) as unknown as UserService;

describe('createApi error answers', () => {
  it('answers an SDK error from a device route with the generic message and logs it whole', async () => {
    const { logger, error } = quietLogger();
    const err = sdkError();
    const api = createApi({ devices: devicesThatThrow(err), logger });
    const answer = await api.resolve(query('device', { id: 'b1' }));
    expect(answer).toEqual({ __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE } });
    expect(JSON.stringify(answer)).not.toContain('Provisioned');
    expect(error).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ fieldName: 'device', error: err }),
    );
  });

  it.each([
    ['NotFound', new NotFoundError('No such profile.')],
    ['Conflict', new ConflictError('The profile exists already.')],
    ['ValidationError', new ValidationError({ field: 'input.email', message: 'must be an email address' })],
    [
      'Unauthorized',
      new UnauthorizedError('This operation is for the admin group; your account is not in it.'),
    ],
    ['ServiceUnavailable', new ServiceUnavailableError('The user directory is unreachable; try again.')],
  ])('answers a %s thrown by a service with its own type and message', async (errorType, err) => {
    const { logger } = quietLogger();
    const api = createApi({ users: usersThatThrow(err), logger });
    expect(await api.resolve(mutation('createUser', { input: {} }))).toEqual({
      __error: { errorType, message: err.message },
    });
  });

  it('logs a refused request once, at info, naming the field', async () => {
    const { logger, error, info } = quietLogger();
    const api = createApi({ users: usersThatThrow(new NotFoundError('No such profile.')), logger });
    await api.resolve(mutation('createUser', { input: {} }));
    expect(error).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledWith('Request refused', {
      fieldName: 'createUser',
      errorType: 'NotFound',
      reason: 'No such profile.',
    });
  });

  it('answers an untyped error thrown by a service with the generic message', async () => {
    const { logger, error } = quietLogger();
    const api = createApi({
      users: usersThatThrow(new TypeError("Cannot read properties of undefined (reading 'sub')")),
      logger,
    });
    const answer = await api.resolve(mutation('createUser', {}));
    expect(answer).toEqual({ __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE } });
    expect(error).toHaveBeenCalled();
  });

  it('answers an unsigned request with Unauthorized before the service is asked', async () => {
    const { logger } = quietLogger();
    const device = vi.fn();
    const api = createApi({ devices: { device } as unknown as DeviceService, logger });
    expect(await api.resolve(query('device', { id: 'b1' }, { identity: nobody() }))).toEqual({
      __error: { errorType: 'Unauthorized', message: 'Sign in first: the request carries no identity.' },
    });
    expect(device).not.toHaveBeenCalled();
  });

  it('answers a field that no router serves with the generic message', async () => {
    const { logger } = quietLogger();
    const api = createApi({ devices: devicesThatThrow(null), logger });
    expect(await api.resolve(query('noSuchField', {}))).toEqual({
      __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE },
    });
  });

  it('answers a field of an area that was not built with the generic message', async () => {
    const { logger } = quietLogger();
    const api = createApi({ devices: devicesThatThrow(null), logger });
    expect(await api.resolve(mutation('createUser', { input: {} }))).toEqual({
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
