/**
 * The topics of CONTRACT.md section 2 that reach the pipeline. They all come
 * through the same queue, so the topic decides what a payload is.
 */
export type RoutedTopic =
  | { kind: 'readings'; deviceId: string }
  | { kind: 'legacy-reading'; deviceId: string; sensor: string }
  | { kind: 'ack'; deviceId: string };

/** MQTT topic filters of the readings (CONTRACT.md section 2): one queue, a batching window. */
export const READING_TOPIC_FILTERS = ['devices/+/readings', '+/reading/sensor/+'] as const;
/**
 * The MQTT topic filter of config acknowledgements. Acks take their own path
 * (queue, event source, local batcher) with no batching window, so a
 * dashboard sees APPLIED in about a second instead of after the readings' window.
 */
export const ACK_TOPIC_FILTER = 'devices/+/config/ack';

/** Ids as MQTT topic levels carry them; anything else cannot be a device or sensor id. */
const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** True when `value` can be a device or sensor id as a topic level (no wildcard, no separator). */
export const isTopicId = (value: string): boolean => ID.test(value);

/**
 * Routes seen recently. A fleet publishes on a few hundred topics, so nearly
 * every message finds its route here instead of splitting and matching again.
 */
const routes = new Map<string, RoutedTopic | undefined>();
const MAX_CACHED_ROUTES = 10_000;

/** Routes a topic, or returns undefined for a topic the pipeline does not take. */
export function routeTopic(topic: string): RoutedTopic | undefined {
  const cached = routes.get(topic);
  if (cached !== undefined) return cached;
  const route = matchTopic(topic);
  // Unknown topics are not cached: anyone can publish them, and they must not crowd out the fleet's.
  if (route) {
    if (routes.size >= MAX_CACHED_ROUTES) routes.clear();
    routes.set(topic, route);
  }
  return route;
}

function matchTopic(topic: string): RoutedTopic | undefined {
  // Fast path for the topic nearly every message has; the general split below handles the rest.
  if (topic.startsWith('devices/') && topic.endsWith('/readings')) {
    const id = topic.slice(8, -9);
    if (ID.test(id)) return { kind: 'readings', deviceId: id };
  }
  const levels = topic.split('/');
  if (!levels.every((level) => ID.test(level))) return undefined;
  const [a, b, c, d] = levels;
  if (levels.length === 3 && a === 'devices' && c === 'readings') return { kind: 'readings', deviceId: b! };
  if (levels.length === 4 && a === 'devices' && c === 'config' && d === 'ack')
    return { kind: 'ack', deviceId: b! };
  if (levels.length === 4 && b === 'reading' && c === 'sensor')
    return { kind: 'legacy-reading', deviceId: a!, sensor: d! };
  return undefined;
}

/** Best effort device id of a topic that did not route, for the rejected message's `deviceId`. */
export function deviceIdHint(topic: string): string | null {
  const levels = topic.split('/');
  const candidate = levels[0] === 'devices' ? levels[1] : levels.length > 1 ? levels[0] : undefined;
  return candidate !== undefined && ID.test(candidate) ? candidate : null;
}
