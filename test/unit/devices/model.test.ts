import { describe, expect, it } from 'vitest';
import { clearMessages, configMessages, desiredConfigOf } from '../../../core/devices';
import type { Device } from '../../../core/generated/graphql';
import { diffSettings, type DeviceSettings } from '../../../core/devices/model';
import { deviceFixture, sensorFixture } from '../../helpers/device-fixtures';

const sensor = sensorFixture;

const device = (over: Partial<Device> = {}): Device =>
  deviceFixture({ sensors: [sensor('ph'), sensor('tmp', { enabled: false })], configVersion: 7, ...over });

const settings = (over: Partial<DeviceSettings> = {}): DeviceSettings => {
  const d = device();
  return {
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    location: d.location,
    sensorIntervalMs: d.sensorIntervalMs,
    sensors: d.sensors,
    silenceAfterIntervals: d.silenceAfterIntervals,
    ...over,
  };
};

describe('desiredConfigOf', () => {
  it('builds the payload of devices/{id}/config', () => {
    expect(desiredConfigOf(device())).toEqual({
      version: 7,
      enabled: true,
      sensorIntervalMs: 600_000,
      sensors: { ph: { enabled: true }, tmp: { enabled: false } },
    });
  });
});

describe('configMessages', () => {
  it('lists the legacy topics first and the versioned topic last', () => {
    expect(configMessages(device())).toEqual([
      { topic: 'b1/config', payload: '{"sensor_interval":"600000"}' },
      { topic: 'b1/config/sensor/ph', payload: '{"state":"1"}' },
      { topic: 'b1/config/sensor/tmp', payload: '{"state":"0"}' },
      {
        topic: 'devices/b1/config',
        payload:
          '{"version":7,"enabled":true,"sensorIntervalMs":600000,"sensors":{"ph":{"enabled":true},"tmp":{"enabled":false}}}',
      },
    ]);
  });

  it('switches legacy sensors off on a disabled device', () => {
    const states = configMessages(device({ enabled: false }))
      .filter((m) => m.topic.includes('/sensor/'))
      .map((m) => m.payload);
    expect(states).toEqual(['{"state":"0"}', '{"state":"0"}']);
  });

  it('clears the legacy topic of a retired sensor but not of a current one', () => {
    const clears = configMessages(device(), ['do', 'ph']).filter((m) => m.payload === '');
    expect(clears).toEqual([{ topic: 'b1/config/sensor/do', payload: '' }]);
  });
});

describe('clearMessages', () => {
  it('empties every config topic once', () => {
    expect(clearMessages('b1', ['ph', 'ph']).map((m) => m.topic)).toEqual([
      'devices/b1/config',
      'b1/config',
      'b1/config/sensor/ph',
    ]);
  });
});

describe('diffSettings', () => {
  it('reports field changes with dotted paths and JSON values', () => {
    const after = settings({
      sensorIntervalMs: 5_000,
      location: { latitude: 1, longitude: 2 },
      sensors: [sensor('ph', { enabled: false }), sensor('tmp', { enabled: false })],
    });
    expect(diffSettings(settings(), after)).toEqual([
      { path: 'location', from: null, to: '{"latitude":1,"longitude":2}' },
      { path: 'sensorIntervalMs', from: '600000', to: '5000' },
      { path: 'sensors.ph.enabled', from: 'true', to: 'false' },
    ]);
  });

  it('reports an added or removed sensor as one entry', () => {
    const diff = diffSettings(settings(), settings({ sensors: [sensor('ph'), sensor('do')] }));
    expect(diff.map((c) => [c.path, c.from === null, c.to === null])).toEqual([
      ['sensors.do', true, false],
      ['sensors.tmp', false, true],
    ]);
  });

  it('finds no change when only the sensor order or key order differs', () => {
    const reordered = settings({ sensors: [sensor('tmp', { enabled: false }), sensor('ph')] });
    expect(diffSettings(settings(), reordered)).toEqual([]);
  });
});
