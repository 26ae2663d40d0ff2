/**
 * APPSYNC_JS resolver of `Subscription.onDeviceConfigChanged(deviceId: ID)` on
 * a NONE data source. With a deviceId, enhanced filtering makes AppSync deliver
 * only that device's events (filtered on the published Device's `id`, server
 * side); without one, the subscriber receives every device.
 */
import { extensions, util } from '@aws-appsync/utils';

/**
 * @param {import('@aws-appsync/utils').Context<{ deviceId?: string | null }>} ctx
 * @returns {import('@aws-appsync/utils').NONERequest}
 */
export function request(ctx) {
  return { payload: ctx.arguments.deviceId ?? null };
}

/**
 * @param {import('@aws-appsync/utils').Context<{ deviceId?: string | null }>} ctx
 * @returns {null}
 */
export function response(ctx) {
  const deviceId = ctx.arguments.deviceId;
  if (deviceId) {
    extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ id: { eq: deviceId } }));
  }
  return null;
}
