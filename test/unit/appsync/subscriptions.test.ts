import type { Context } from '@aws-appsync/utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as onAlertChanged from '../../../resolvers/appsync/on-alert-changed';
import * as onDeviceConfigChanged from '../../../resolvers/appsync/on-device-config-changed';
import { contextFor, recorded } from './appsync-utils-stand-in';

vi.mock('@aws-appsync/utils', () => import('./appsync-utils-stand-in'));

// The two subscriptions by device differ only in the field the filter names and what they carry.
describe.each([
  { fieldName: 'onAlertChanged', resolver: onAlertChanged, filtered: 'deviceId', each: 'alert' },
  { fieldName: 'onDeviceConfigChanged', resolver: onDeviceConfigChanged, filtered: 'id', each: 'device' },
])('$fieldName', ({ fieldName, resolver: { request, response }, filtered, each }) => {
  const subscribe = (args: Record<string, unknown>) =>
    contextFor({
      arguments: args,
      args,
      info: { fieldName, parentTypeName: 'Subscription', variables: {} },
    }) as unknown as Context<{ deviceId?: string | null }>;

  beforeEach(() => recorded.reset());

  it(`filters on the ${each}'s ${filtered} when a device id is asked for`, () => {
    expect(response(subscribe({ deviceId: 'buoy-7' }))).toBeNull();
    expect(recorded.subscriptionFilters).toEqual([{ converted: { [filtered]: { eq: 'buoy-7' } } }]);
  });

  it(`sets no filter without a device id, so every ${each} reaches the subscriber`, () => {
    response(subscribe({}));
    response(subscribe({ deviceId: null }));
    expect(recorded.subscriptionFilters).toEqual([]);
  });

  it('sends the NONE data source a payload', () => {
    expect(request(subscribe({ deviceId: 'buoy-7' }))).toEqual({ payload: 'buoy-7' });
    expect(request(subscribe({}))).toEqual({ payload: null });
  });
});
