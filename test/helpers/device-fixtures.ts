import type { Device, Sensor } from '../../core/generated/graphql';

/** A sensor as the API returns it: enabled, no limits, no calibration, unless overridden. */
export const sensorFixture = (id: string, over: Partial<Sensor> = {}): Sensor => ({
  id,
  measurement: id,
  unit: null,
  enabled: true,
  min: null,
  max: null,
  alertsEnabled: false,
  decimals: 2,
  calibration: null,
  alert: { afterReadings: 1, deadband: 0, afterMinutes: null },
  qc: null,
  ...over,
});

/** A device as the API returns it, PENDING at the given version, with no sensors unless overridden. */
export const deviceFixture = (over: Partial<Device> = {}): Device => ({
  id: 'b1',
  name: 'Buoy',
  description: null,
  enabled: true,
  location: null,
  sensorIntervalMs: 600_000,
  sensors: [],
  configVersion: 1,
  reportedConfigVersion: null,
  configStatus: 'PENDING',
  configRejectedReason: null,
  delivery: null,
  lastSeenAt: null,
  createdAt: '2026-11-27T00:00:00.000Z',
  updatedAt: '2026-11-27T00:00:00.000Z',
  updatedBy: null,
  deletedAt: null,
  silenceAfterIntervals: 3,
  openAlerts: 0,
  ...over,
});
