import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ACK_TOPIC_FILTER,
  CONFIG_TOPIC_WILDCARDS,
  PROCESSOR_TOPIC_FILTERS,
  READING_TOPIC_FILTERS,
  TOPIC_TEMPLATES,
  TopicIdError,
  ackTopic,
  configTopic,
  deviceIdHint,
  legacyConfigTopic,
  legacyReadingTopic,
  legacySensorConfigTopic,
  parseTopic,
  policyPattern,
  readingsTopic,
  routeTopic,
  topicFilter,
  type ParsedTopic,
} from '../../../core/ingestion/topics';
import { DEVICE_POLICY } from '../../../core/ingestion/device-policy';

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.split('');
const deviceId = fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 64 });
const sensorId = fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 32 });
/** Text that is not an id: empty, too long, or with a character outside the alphabet (`/`, `+`, `#` among them). */
const notAnId = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 65, maxLength: 80 }),
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...ID_CHARS), maxLength: 5 }),
      fc.oneof(fc.constantFrom('/', '+', '#', '.', ':', ' ', "'"), fc.string({ minLength: 1, maxLength: 2 })),
      fc.string({ unit: fc.constantFrom(...ID_CHARS), maxLength: 5 }),
    )
    .map((parts) => parts.join(''))
    .filter((s) => /[^A-Za-z0-9_-]/.test(s)),
);

/** Every builder, with the parse it must come back as. */
const BUILDERS: [
  string,
  (id: string, sensor: string) => string,
  (id: string, sensor: string) => ParsedTopic,
][] = [
  ['readings', (id) => readingsTopic(id), (deviceId) => ({ kind: 'readings', deviceId })],
  [
    'legacy-reading',
    legacyReadingTopic,
    (deviceId, sensor) => ({ kind: 'legacy-reading', deviceId, sensor }),
  ],
  ['ack', (id) => ackTopic(id), (deviceId) => ({ kind: 'ack', deviceId })],
  ['config', (id) => configTopic(id), (deviceId) => ({ kind: 'config', deviceId })],
  ['legacy-config', (id) => legacyConfigTopic(id), (deviceId) => ({ kind: 'legacy-config', deviceId })],
  [
    'legacy-sensor-config',
    legacySensorConfigTopic,
    (deviceId, sensor) => ({ kind: 'legacy-sensor-config', deviceId, sensor }),
  ],
];

describe('core/ingestion/topics', () => {
  it('builds the topics of the contract', () => {
    expect(readingsTopic('buoy-1')).toBe('devices/buoy-1/readings');
    expect(legacyReadingTopic('buoy-1', 'ph')).toBe('buoy-1/reading/sensor/ph');
    expect(ackTopic('buoy-1')).toBe('devices/buoy-1/config/ack');
    expect(configTopic('buoy-1')).toBe('devices/buoy-1/config');
    expect(legacyConfigTopic('buoy-1')).toBe('buoy-1/config');
    expect(legacySensorConfigTopic('buoy-1', 'ph')).toBe('buoy-1/config/sensor/ph');
  });

  it.each(BUILDERS)('reads every valid id of a %s topic back', (_kind, build, expected) => {
    fc.assert(
      fc.property(deviceId, sensorId, (id, sensor) => {
        expect(parseTopic(build(id, sensor))).toEqual(expected(id, sensor));
      }),
    );
  });

  it('routes only what a device publishes, and every valid id of it', () => {
    fc.assert(
      fc.property(deviceId, sensorId, (id, sensor) => {
        expect(routeTopic(readingsTopic(id))).toEqual({ kind: 'readings', deviceId: id });
        expect(routeTopic(legacyReadingTopic(id, sensor))).toEqual({
          kind: 'legacy-reading',
          deviceId: id,
          sensor,
        });
        expect(routeTopic(ackTopic(id))).toEqual({ kind: 'ack', deviceId: id });
        expect(routeTopic(configTopic(id))).toBeUndefined();
        expect(routeTopic(legacyConfigTopic(id))).toBeUndefined();
        expect(routeTopic(legacySensorConfigTopic(id, sensor))).toBeUndefined();
      }),
    );
  });

  it('routes no topic whose id level is not an id', () => {
    fc.assert(
      fc.property(notAnId, sensorId, deviceId, (bad, sensor, id) => {
        for (const topic of [
          `devices/${bad}/readings`,
          `devices/${bad}/config/ack`,
          `${bad}/reading/sensor/${sensor}`,
          `${id}/reading/sensor/${bad}`,
        ]) {
          expect(routeTopic(topic), topic).toBeUndefined();
          expect(parseTopic(topic), topic).toBeUndefined();
        }
      }),
    );
    // A sensor level longer than a sensor id is not one either.
    expect(routeTopic(`b1/reading/sensor/${'a'.repeat(33)}`)).toBeUndefined();
  });

  it('parses nothing but the templates', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(deviceId, fc.constantFrom('devices', 'config', 'reading', 'sensor', 'readings', 'ack')),
          { maxLength: 6 },
        ),
        (levels) => {
          const topic = levels.join('/');
          const parsed = parseTopic(topic);
          if (parsed === undefined) return;
          const sensor = 'sensor' in parsed ? parsed.sensor : '';
          const rebuilt = BUILDERS.find(([kind]) => kind === parsed.kind)![1](parsed.deviceId, sensor);
          expect(rebuilt).toBe(topic);
        },
      ),
    );
  });

  it('refuses to build a topic from an id that is not one', () => {
    fc.assert(
      fc.property(notAnId, (bad) => {
        for (const [, build] of BUILDERS) expect(() => build(bad, 'ph')).toThrow(TopicIdError);
        expect(() => legacyReadingTopic('b1', bad)).toThrow(TopicIdError);
        expect(() => legacySensorConfigTopic('b1', bad)).toThrow(TopicIdError);
        expect(() => topicFilter('config', bad)).toThrow(TopicIdError);
      }),
    );
  });

  it('derives the filters, the policy patterns and the IAM wildcards from the same templates', () => {
    expect(READING_TOPIC_FILTERS).toEqual(['devices/+/readings', '+/reading/sensor/+']);
    expect(ACK_TOPIC_FILTER).toBe('devices/+/config/ack');
    expect(PROCESSOR_TOPIC_FILTERS).toEqual([...READING_TOPIC_FILTERS, ACK_TOPIC_FILTER]);
    expect(topicFilter('legacy-sensor-config', 'b1')).toBe('b1/config/sensor/+');
    expect(CONFIG_TOPIC_WILDCARDS).toEqual(['devices/*/config', '*/config', '*/config/sensor/*']);
    expect(DEVICE_POLICY).toEqual({
      publish: ['devices/{id}/readings', 'devices/{id}/config/ack', '{id}/reading/sensor/*'],
      subscribe: ['devices/{id}/config', '{id}/config', '{id}/config/sensor/*'],
    });
    expect(policyPattern('legacy-reading')).toBe('{id}/reading/sensor/*');
    expect(Object.keys(TOPIC_TEMPLATES)).toHaveLength(6);
  });

  it('hints at the device of a topic that did not route only when the level is a device id', () => {
    expect(deviceIdHint('devices/b1/nope')).toBe('b1');
    expect(deviceIdHint('b1/whatever')).toBe('b1');
    expect(deviceIdHint('devices/a.b/readings')).toBeNull();
    expect(deviceIdHint('alone')).toBeNull();
  });
});
