import { describe, expect, it } from 'vitest';
import { clearMessages, configMessages, desiredConfigOf } from '../../../core/devices';
import type { Device, Sensor } from '../../../core/generated/graphql';
import { diffSettings, type DeviceSettings } from '../../../core/devices/model';

const sensor = (id: string, over: Partial<Sensor> = {}): Sensor => ({
  id,
  measurement: id,
  unit: null,
  enabled: true,
  min: null,
  max: null,
  alertsEnabled: false,
  decimals: 2,
  calibration: null,
  ...over,
});

const device = (over: Partial<Device> = {}): Device => ({
  id: 'b1',
  name: 'Buoy',
  description: null,
  enabled: true,
  location: null,
  sensorIntervalMs: 600_000,
  sensors: [sensor('ph'), sensor('tmp', { enabled: false })],
  configVersion: 7,
  reportedConfigVersion: null,
  configStatus: 'PENDING',
  configRejectedReason: null,
  delivery: null,
  lastSeenAt: null,
  createdAt: '2026-11-27T00:00:00.000Z',
  updatedAt: '2026-11-27T00:00:00.000Z',
  updatedBy: null,
  deletedAt: null,
  ...over,
});

const settings = (over: Partial<DeviceSettings> = {}): DeviceSettings => {
  const d = device();
  return {
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    location: d.location,
    sensorIntervalMs: d.sensorIntervalMs,
    sensors: d.sensors,
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
