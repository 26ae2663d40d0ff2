import type { Context } from '@aws-appsync/utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { request, response } from '../../../resolvers/appsync/invoke-lambda';
import { AppSyncError, contextFor } from './appsync-utils-stand-in';

vi.mock('@aws-appsync/utils', () => import('./appsync-utils-stand-in'));

const ctx = (overrides: Record<string, unknown> = {}) => contextFor(overrides) as unknown as Context;

/** Runs `fn`, expecting util.error: returns what it was called with. */
function appsyncErrorOf(fn: () => unknown): { message: string; errorType: string | undefined } {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppSyncError) return { message: err.message, errorType: err.errorType };
    throw err;
  }
  throw new Error('util.error was not called');
}

describe('invoke-lambda request', () => {
  let args: Record<string, unknown>;
  beforeEach(() => {
    args = { id: 'buoy-7' };
  });

  it('invokes the Lambda with the event of a direct Lambda resolver', () => {
    const context = contextFor({ arguments: args, args });
    // identity, request and info go to the Lambda whole, as AppSync gave them.
    expect(request(context as unknown as Context)).toEqual({
      operation: 'Invoke',
      payload: {
        arguments: { id: 'buoy-7' },
        identity: context.identity,
        source: null,
        request: context.request,
        prev: null,
        info: context.info,
        stash: {},
      },
    });
  });

  it('passes an IAM identity through untouched, as the processor signs notifyDeviceConfigChanged', () => {
    const identity = { accountId: '123456789012', userArn: 'arn:aws:sts::123456789012:assumed-role/x/y' };
    const payload = request(
      ctx({
        identity,
        info: { fieldName: 'notifyDeviceConfigChanged', parentTypeName: 'Mutation', variables: {} },
      }),
    ).payload as { identity: unknown; info: { fieldName: string; parentTypeName: string } };
    expect(payload.identity).toEqual(identity);
    expect(payload.info).toMatchObject({
      fieldName: 'notifyDeviceConfigChanged',
      parentTypeName: 'Mutation',
    });
  });

  it('fills what Powertools requires of an event when AppSync leaves it out', () => {
    const payload = request(
      ctx({ identity: undefined, stash: undefined, info: { fieldName: 'me', parentTypeName: 'Query' } }),
    ).payload as Record<string, unknown>;
    expect(payload.identity).toBeNull();
    expect(payload.stash).toEqual({});
    expect((payload.info as Record<string, unknown>).variables).toEqual({});
  });
});

describe('invoke-lambda response', () => {
  it('returns the Lambda result as the field value', () => {
    const device = { id: 'buoy-7', name: 'North channel' };
    expect(response(ctx({ result: device }))).toEqual(device);
  });

  it('returns lists and nulls as they are', () => {
    expect(response(ctx({ result: [{ sensor: 'ph' }] }))).toEqual([{ sensor: 'ph' }]);
    expect(response(ctx({ result: null }))).toBeNull();
  });

  it('turns the error envelope into a GraphQL error with its errorType', () => {
    const error = appsyncErrorOf(() =>
      response(
        ctx({ result: { __error: { errorType: 'NotFound', message: 'Device buoy-9 does not exist.' } } }),
      ),
    );
    expect(error).toEqual({ message: 'Device buoy-9 does not exist.', errorType: 'NotFound' });
  });

  it.each(['Conflict', 'ValidationError', 'Unauthorized', 'ServiceUnavailable', 'InternalError'])(
    'keeps errorType %s',
    (errorType) => {
      expect(
        appsyncErrorOf(() => response(ctx({ result: { __error: { errorType, message: 'm' } } }))).errorType,
      ).toBe(errorType);
    },
  );

  it('reports a failed invocation without its internal detail', () => {
    const error = appsyncErrorOf(() =>
      response(ctx({ error: { message: 'Task timed out after 15.02 seconds', type: 'Lambda:Unhandled' } })),
    );
    expect(error.errorType).toBe('ServiceUnavailable');
    expect(error.message).not.toContain('Task timed out');
  });
});
