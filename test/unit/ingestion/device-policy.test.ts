import { describe, expect, it } from 'vitest';
import {
  devicePolicyAllowsPublish,
  devicePolicyAllowsSubscribe,
  isBackendOnlyTopic,
} from '../../../core/ingestion/device-policy';

describe('device policy (the IoT policy, shared by the CDK stack and the local broker)', () => {
  it('lets a device publish its readings, legacy readings and acks only', () => {
    expect(devicePolicyAllowsPublish('buoy-1', 'devices/buoy-1/readings')).toBe(true);
    expect(devicePolicyAllowsPublish('buoy-1', 'devices/buoy-1/config/ack')).toBe(true);
    expect(devicePolicyAllowsPublish('buoy-1', 'buoy-1/reading/sensor/ph')).toBe(true);
    expect(devicePolicyAllowsPublish('buoy-1', 'devices/buoy-1/config')).toBe(false);
    expect(devicePolicyAllowsPublish('buoy-1', 'buoy-1/config')).toBe(false);
    expect(devicePolicyAllowsPublish('buoy-1', 'devices/buoy-2/readings')).toBe(false);
  });

  it('lets a device subscribe to its own config topics, matched as written', () => {
    expect(devicePolicyAllowsSubscribe('buoy-1', 'devices/buoy-1/config')).toBe(true);
    expect(devicePolicyAllowsSubscribe('buoy-1', 'buoy-1/config/sensor/+')).toBe(true);
    expect(devicePolicyAllowsSubscribe('buoy-1', 'devices/+/config')).toBe(false);
    expect(devicePolicyAllowsSubscribe('buoy-1', 'devices/buoy-1/#')).toBe(false);
    expect(devicePolicyAllowsSubscribe('buoy-1', '#')).toBe(false);
  });

  it('gives a wildcard or multi-level username nothing', () => {
    for (const id of ['+', '#', 'a/b', '']) {
      expect(devicePolicyAllowsSubscribe(id, `devices/${id}/config`)).toBe(false);
      expect(devicePolicyAllowsPublish(id, `devices/${id}/readings`)).toBe(false);
    }
  });

  it('names the config topics as backend-only, and nothing a device sends', () => {
    expect(isBackendOnlyTopic('devices/buoy-1/config')).toBe(true);
    expect(isBackendOnlyTopic('buoy-1/config')).toBe(true);
    expect(isBackendOnlyTopic('buoy-1/config/sensor/ph')).toBe(true);
    expect(isBackendOnlyTopic('devices/buoy-1/config/ack')).toBe(false);
    expect(isBackendOnlyTopic('devices/buoy-1/readings')).toBe(false);
    expect(isBackendOnlyTopic('buoy-1/reading/sensor/ph')).toBe(false);
  });
});
