/**
 * APPSYNC_JS resolver of `Subscription.onAlertChanged(deviceId: ID)` on a NONE
 * data source. With a deviceId, enhanced filtering makes AppSync deliver only
 * that device's alerts (filtered on the published Alert's `deviceId`, server
 * side); without one, the subscriber receives every alert.
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
    extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ deviceId: { eq: deviceId } }));
  }
  return null;
}
