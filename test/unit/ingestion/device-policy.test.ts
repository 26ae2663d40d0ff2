import { describe, expect, it } from 'vitest';
import {
  devicePolicyAllowsPublish,
  devicePolicyAllowsSubscribe,
  isBackendOnlyTopic,
} from '../../../core/ingestion/device-policy';

/** Topics a rule answers true for and false for, as one [topic, expected] table for it.each. */
const table = (rule: { yes: string[]; no: string[] }): Array<[string, boolean]> => [
  ...rule.yes.map((topic): [string, boolean] => [topic, true]),
  ...rule.no.map((topic): [string, boolean] => [topic, false]),
];

// What device buoy-1 may publish on.
const PUBLISH = {
  yes: ['devices/buoy-1/readings', 'devices/buoy-1/config/ack', 'buoy-1/reading/sensor/ph'],
  no: ['devices/buoy-1/config', 'buoy-1/config', 'devices/buoy-2/readings'],
};
// What device buoy-1 may subscribe to: its own config topics, wildcards only as the legacy filter writes them.
const SUBSCRIBE = {
  yes: ['devices/buoy-1/config', 'buoy-1/config/sensor/+'],
  no: ['devices/+/config', 'devices/buoy-1/#', '#'],
};
// Topics only the backend publishes on.
const BACKEND_ONLY = {
  yes: ['devices/buoy-1/config', 'buoy-1/config', 'buoy-1/config/sensor/ph'],
  no: ['devices/buoy-1/config/ack', 'devices/buoy-1/readings', 'buoy-1/reading/sensor/ph'],
};

describe('device policy (the IoT policy, shared by the CDK stack and the local broker)', () => {
  it.each(table(PUBLISH))(
    'lets a device publish its readings, legacy readings and acks only: %s -> %s',
    (topic, allowed) => {
      expect(devicePolicyAllowsPublish('buoy-1', topic)).toBe(allowed);
    },
  );

  it.each(table(SUBSCRIBE))(
    'lets a device subscribe to its own config topics, matched as written: %s -> %s',
    (topic, allowed) => {
      expect(devicePolicyAllowsSubscribe('buoy-1', topic)).toBe(allowed);
    },
  );

  it('gives a wildcard or multi-level username nothing', () => {
    for (const id of ['+', '#', 'a/b', '']) {
      expect(devicePolicyAllowsSubscribe(id, `devices/${id}/config`)).toBe(false);
      expect(devicePolicyAllowsPublish(id, `devices/${id}/readings`)).toBe(false);
    }
  });

  it.each(table(BACKEND_ONLY))(
    'names the config topics as backend-only, and nothing a device sends: %s -> %s',
    (topic, backendOnly) => {
      expect(isBackendOnlyTopic(topic)).toBe(backendOnly);
    },
  );
});
