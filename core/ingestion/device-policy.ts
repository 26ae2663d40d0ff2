import { isDeviceId } from '../shared/ids';
import { CONFIG_KINDS, DEVICE_PUBLISH_KINDS, policyPattern } from './topics';

/**
 * What a device may do on the broker: the IoT policy's topics (CONTRACT.md
 * section 2), with `{id}` for the device's thing name and `*` as the IoT
 * policy wildcard (any characters). The CDK device policy and the local
 * broker both read this list, so they cannot drift apart.
 */
export const DEVICE_POLICY: { readonly publish: readonly string[]; readonly subscribe: readonly string[] } = {
  /** Device -> cloud. */
  publish: DEVICE_PUBLISH_KINDS.map(policyPattern),
  /** Cloud -> device: the config topics. Only the backend publishes on them. */
  subscribe: CONFIG_KINDS.map(policyPattern),
};

/** IoT Core's limit on an MQTT message (and a Data Plane Publish payload): 128 KB. */
export const IOT_MAX_MESSAGE_BYTES = 128 * 1024;

/** The policy's topics for one device, `{id}` filled in (the `${iot:Connection.Thing.ThingName}` of the CDK policy). */
export function devicePolicyTopics(kind: keyof typeof DEVICE_POLICY, thing: string): string[] {
  return DEVICE_POLICY[kind].map((pattern) => pattern.replace('{id}', () => thing));
}

const compiled = new Map<string, RegExp>();
function matches(pattern: string, deviceId: string, topic: string): boolean {
  const key = `${pattern}\u0000${deviceId}`;
  let re = compiled.get(key);
  if (!re) {
    const source = pattern
      .replace('{id}', deviceId)
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${source}$`);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(key, re);
  }
  return re.test(topic);
}

/**
 * True when `deviceId` may publish on `topic` under the IoT policy. An id
 * that could not be a thing name (a wildcard such as `+`, a `/`) may do nothing.
 */
export function devicePolicyAllowsPublish(deviceId: string, topic: string): boolean {
  return isDeviceId(deviceId) && DEVICE_POLICY.publish.some((p) => matches(p, deviceId, topic));
}

/**
 * True when `deviceId` may subscribe to `filter`. As in IoT Core, the filter
 * is matched as written: `devices/+/config` is not `devices/{id}/config`.
 */
export function devicePolicyAllowsSubscribe(deviceId: string, filter: string): boolean {
  return isDeviceId(deviceId) && DEVICE_POLICY.subscribe.some((p) => matches(p, deviceId, filter));
}

/**
 * True for the topics only the backend publishes on (a device's config): no
 * MQTT client may publish there, whatever its credentials, so no one can
 * overwrite or clear a device's retained config.
 */
export function isBackendOnlyTopic(topic: string): boolean {
  return BACKEND_ONLY.some((re) => re.test(topic));
}

/** The subscribe topics of any device: `{id}` one topic level, `*` anything. */
const BACKEND_ONLY = DEVICE_POLICY.subscribe.map(
  (pattern) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\{id\\}', '[^/]+'))
        .join('.*')}$`,
    ),
);
