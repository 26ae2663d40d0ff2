import type { Context } from '@aws-appsync/utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { request, response } from '../../../resolvers/appsync/on-alert-changed';
import { contextFor, recorded } from './appsync-utils-stand-in';

vi.mock('@aws-appsync/utils', () => import('./appsync-utils-stand-in'));

const subscribe = (args: Record<string, unknown>) =>
  contextFor({
    arguments: args,
    args,
    info: { fieldName: 'onAlertChanged', parentTypeName: 'Subscription', variables: {} },
  }) as unknown as Context<{ deviceId?: string | null }>;

describe('onAlertChanged', () => {
  beforeEach(() => recorded.reset());

  it("filters on the alert's deviceId when one is asked for", () => {
    expect(response(subscribe({ deviceId: 'buoy-7' }))).toBeNull();
    expect(recorded.subscriptionFilters).toEqual([{ converted: { deviceId: { eq: 'buoy-7' } } }]);
  });

  it('sets no filter without a device id, so every alert reaches the subscriber', () => {
    response(subscribe({}));
    response(subscribe({ deviceId: null }));
    expect(recorded.subscriptionFilters).toEqual([]);
  });

  it('sends the NONE data source a payload', () => {
    expect(request(subscribe({ deviceId: 'buoy-7' }))).toEqual({ payload: 'buoy-7' });
    expect(request(subscribe({}))).toEqual({ payload: null });
  });
});
