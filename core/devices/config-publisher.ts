import type { Device } from '../generated/graphql';
import { configTopic, legacyConfigTopic, legacySensorConfigTopic } from '../ingestion/topics';
import { desiredConfigOf } from './model';

/** One retained MQTT message; an empty payload clears the topic's retained message. */
export interface ConfigMessage {
  topic: string;
  payload: string;
}

/**
 * Sends a device its desired config. Implementations publish retained, QoS 1,
 * and must be safe to repeat: publishing one version twice is harmless.
 */
export interface ConfigPublisher {
  /** Publishes every message, or throws; a partial failure counts as a failure (the whole set is re-sent). */
  publish(messages: ConfigMessage[]): Promise<void>;
}

/**
 * The retained messages that carry a device's desired config: the versioned
 * topic, and the legacy topics that old firmware reads. A disabled device has
 * every legacy sensor switched off, since legacy firmware has no device flag.
 * Sensors removed since the last confirmed publish get their legacy topic
 * cleared so old firmware stops sampling them.
 */
export function configMessages(device: Device, retiredSensorIds: readonly string[] = []): ConfigMessage[] {
  const messages: ConfigMessage[] = [
    {
      topic: legacyConfigTopic(device.id),
      payload: JSON.stringify({ sensor_interval: String(device.sensorIntervalMs) }),
    },
  ];
  for (const sensor of device.sensors) {
    messages.push({
      topic: legacySensorConfigTopic(device.id, sensor.id),
      payload: JSON.stringify({ state: device.enabled && sensor.enabled ? '1' : '0' }),
    });
  }
  const current = new Set(device.sensors.map((s) => s.id));
  for (const id of retiredSensorIds) {
    if (!current.has(id)) messages.push({ topic: legacySensorConfigTopic(device.id, id), payload: '' });
  }
  messages.push({ topic: configTopic(device.id), payload: JSON.stringify(desiredConfigOf(device)) });
  return messages;
}

/** Empty retained payloads that remove every config message a deleted device had. */
export function clearMessages(deviceId: string, sensorIds: readonly string[]): ConfigMessage[] {
  return [
    { topic: configTopic(deviceId), payload: '' },
    { topic: legacyConfigTopic(deviceId), payload: '' },
    ...[...new Set(sensorIds)].map((id) => ({ topic: legacySensorConfigTopic(deviceId, id), payload: '' })),
  ];
}
