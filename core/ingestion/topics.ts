import { isDeviceId, isSensorId } from '../shared/ids';

/**
 * Every MQTT topic of CONTRACT.md section 2, written once: `{id}` is a device
 * id, `{sensor}` a sensor id. The builders, the subscription filters, the IoT
 * rules' filters, the device policy's patterns and the API's IAM topic
 * wildcards are all derived from this table, and the parser reads topics
 * back against it, so AWS (infra/) and the local mode (local/) cannot drift.
 */
export const TOPIC_TEMPLATES = {
  /** Device -> cloud: a multi-sensor reading. */
  readings: 'devices/{id}/readings',
  /** Device -> cloud: one sensor's reading from legacy firmware. */
  'legacy-reading': '{id}/reading/sensor/{sensor}',
  /** Device -> cloud: a config acknowledgement. */
  ack: 'devices/{id}/config/ack',
  /** Cloud -> device, retained: the versioned desired config. */
  config: 'devices/{id}/config',
  /** Cloud -> device, retained: legacy firmware's reporting interval. */
  'legacy-config': '{id}/config',
  /** Cloud -> device, retained: legacy firmware's per-sensor on/off. */
  'legacy-sensor-config': '{id}/config/sensor/{sensor}',
} as const;

export type TopicKind = keyof typeof TOPIC_TEMPLATES;
/** The topics a device publishes on. */
export const DEVICE_PUBLISH_KINDS = [
  'readings',
  'ack',
  'legacy-reading',
] as const satisfies readonly TopicKind[];
/** The topics only the backend publishes on (retained config); a device subscribes to them. */
export const CONFIG_KINDS = [
  'config',
  'legacy-config',
  'legacy-sensor-config',
] as const satisfies readonly TopicKind[];

/** The topics that reach the pipeline. They all come through the same queue, so the topic decides what a payload is. */
export type RoutedTopic =
  | { kind: 'readings'; deviceId: string }
  | { kind: 'legacy-reading'; deviceId: string; sensor: string }
  | { kind: 'ack'; deviceId: string };

/** Any topic read back: which one it is, and the ids in its levels. */
export type ParsedTopic =
  | RoutedTopic
  | { kind: 'config' | 'legacy-config'; deviceId: string }
  | { kind: 'legacy-sensor-config'; deviceId: string; sensor: string };

/** Thrown when a topic would be built from an id that is not one (it could name another device's topic). */
export class TopicIdError extends RangeError {
  override readonly name = 'TopicIdError';
}

const fill = (kind: TopicKind, id: string, sensor: string): string =>
  TOPIC_TEMPLATES[kind].replace('{id}', () => id).replace('{sensor}', () => sensor);

function build(kind: TopicKind, deviceId: string, sensor = ''): string {
  if (!isDeviceId(deviceId)) throw new TopicIdError(`${JSON.stringify(deviceId)} is not a device id`);
  if (TOPIC_TEMPLATES[kind].includes('{sensor}') && !isSensorId(sensor))
    throw new TopicIdError(`${JSON.stringify(sensor)} is not a sensor id`);
  return fill(kind, deviceId, sensor);
}

/** `devices/{id}/readings`. */
export const readingsTopic = (deviceId: string): string => build('readings', deviceId);
/** `{id}/reading/sensor/{sensor}` (legacy firmware). */
export const legacyReadingTopic = (deviceId: string, sensor: string): string =>
  build('legacy-reading', deviceId, sensor);
/** `devices/{id}/config/ack`. */
export const ackTopic = (deviceId: string): string => build('ack', deviceId);
/** `devices/{id}/config`, the versioned config (retained). */
export const configTopic = (deviceId: string): string => build('config', deviceId);
/** `{id}/config`, legacy firmware's interval (retained). */
export const legacyConfigTopic = (deviceId: string): string => build('legacy-config', deviceId);
/** `{id}/config/sensor/{sensor}`, legacy firmware's per-sensor on/off (retained). */
export const legacySensorConfigTopic = (deviceId: string, sensor: string): string =>
  build('legacy-sensor-config', deviceId, sensor);

/**
 * An MQTT subscription filter of one kind: every id level a `+`, or, with
 * `deviceId`, that device's topics (its sensor level a `+`).
 */
export function topicFilter(kind: TopicKind, deviceId?: string): string {
  if (deviceId !== undefined && !isDeviceId(deviceId))
    throw new TopicIdError(`${JSON.stringify(deviceId)} is not a device id`);
  return fill(kind, deviceId ?? '+', '+');
}

/**
 * The pattern of one kind in an IoT policy: `{id}` left for the caller's thing
 * name, the sensor level `*` (the policy wildcard).
 */
export const policyPattern = (kind: TopicKind): string => fill(kind, '{id}', '*');

/** The topic of one kind for any device, as an IAM resource wildcard (`devices/*\/config`). */
export const topicWildcard = (kind: TopicKind): string => fill(kind, '*', '*');

/** MQTT topic filters of the readings: one queue, a batching window. */
export const READING_TOPIC_FILTERS = [topicFilter('readings'), topicFilter('legacy-reading')] as const;
/**
 * The MQTT topic filter of config acknowledgements. Acks take their own path
 * (queue, event source, local batcher) with no batching window, so a
 * dashboard sees APPLIED in about a second instead of after the readings' window.
 */
export const ACK_TOPIC_FILTER = topicFilter('ack');
/** Every filter the IoT rules forward to the processor (readings first, then acks). */
export const PROCESSOR_TOPIC_FILTERS = [...READING_TOPIC_FILTERS, ACK_TOPIC_FILTER] as const;
/** The retained config topics of every device, as IAM resource wildcards (what the API may publish on). */
export const CONFIG_TOPIC_WILDCARDS = CONFIG_KINDS.map(topicWildcard);

const TEMPLATE_LEVELS = (Object.entries(TOPIC_TEMPLATES) as [TopicKind, string][]).map(
  ([kind, template]) => ({ kind, levels: template.split('/') }),
);

/**
 * Reads any topic of TOPIC_TEMPLATES back, or returns undefined: a topic
 * parses only when every level is the template's, its device level a device
 * id and its sensor level a sensor id (so no `/`, `+`, `#` or other text).
 */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const levels = topic.split('/');
  for (const template of TEMPLATE_LEVELS) {
    if (template.levels.length !== levels.length) continue;
    let deviceId: string | undefined;
    let sensor: string | undefined;
    const fits = template.levels.every((expected, i) => {
      const level = levels[i]!;
      if (expected === '{id}') return isDeviceId((deviceId = level));
      if (expected === '{sensor}') return isSensorId((sensor = level));
      return level === expected;
    });
    if (!fits || deviceId === undefined) continue;
    return sensor === undefined
      ? ({ kind: template.kind, deviceId } as ParsedTopic)
      : ({ kind: template.kind, deviceId, sensor } as ParsedTopic);
  }
  return undefined;
}

/**
 * Routes seen recently. A fleet publishes on a few hundred topics, so nearly
 * every message finds its route here instead of splitting and matching again.
 */
const routes = new Map<string, RoutedTopic>();
const MAX_CACHED_ROUTES = 10_000;
const ROUTED: ReadonlySet<TopicKind> = new Set(DEVICE_PUBLISH_KINDS);
const [READINGS_PREFIX = '', READINGS_SUFFIX = ''] = TOPIC_TEMPLATES.readings.split('{id}');
/** The first level of the `devices/{id}/...` topics. */
const DEVICES_LEVEL = READINGS_PREFIX.slice(0, -1);

/** Routes a topic the pipeline takes (a device's publish), or returns undefined for any other. */
export function routeTopic(topic: string): RoutedTopic | undefined {
  const cached = routes.get(topic);
  if (cached !== undefined) return cached;
  const route = matchRoute(topic);
  // Unknown topics are not cached: anyone can publish them, and they must not crowd out the fleet's.
  if (route) {
    if (routes.size >= MAX_CACHED_ROUTES) routes.clear();
    routes.set(topic, route);
  }
  return route;
}

function matchRoute(topic: string): RoutedTopic | undefined {
  // Fast path for the topic nearly every message has; parseTopic handles the rest.
  if (topic.startsWith(READINGS_PREFIX) && topic.endsWith(READINGS_SUFFIX)) {
    const id = topic.slice(READINGS_PREFIX.length, -READINGS_SUFFIX.length);
    if (isDeviceId(id)) return { kind: 'readings', deviceId: id };
  }
  const parsed = parseTopic(topic);
  return parsed && ROUTED.has(parsed.kind) ? (parsed as RoutedTopic) : undefined;
}

/** Best effort device id of a topic that did not route, for the rejected message's `deviceId`. */
export function deviceIdHint(topic: string): string | null {
  const levels = topic.split('/');
  const candidate = levels[0] === DEVICES_LEVEL ? levels[1] : levels.length > 1 ? levels[0] : undefined;
  return isDeviceId(candidate) ? candidate : null;
}
