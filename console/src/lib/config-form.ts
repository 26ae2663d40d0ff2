import type { Device, SensorInput } from './types';

/** The config editor's state: strings, as inputs hold them. */
export interface SensorForm {
  id: string;
  measurement: string;
  unit: string;
  enabled: boolean;
  min: string;
  max: string;
  alertsEnabled: boolean;
  /** `raw=actual` pairs separated by `;`, e.g. `0=0; 4095=14`. */
  calibration: string;
}

export interface ConfigForm {
  name: string;
  description: string;
  enabled: boolean;
  intervalSeconds: string;
  latitude: string;
  longitude: string;
  sensors: SensorForm[];
}

export function formOf(device: Device): ConfigForm {
  return {
    name: device.name,
    description: device.description ?? '',
    enabled: device.enabled,
    intervalSeconds: String(device.sensorIntervalMs / 1000),
    latitude: device.location ? String(device.location.latitude) : '',
    longitude: device.location ? String(device.location.longitude) : '',
    sensors: device.sensors.map((s) => ({
      id: s.id,
      measurement: s.measurement,
      unit: s.unit ?? '',
      enabled: s.enabled,
      min: s.min === null || s.min === undefined ? '' : String(s.min),
      max: s.max === null || s.max === undefined ? '' : String(s.max),
      alertsEnabled: s.alertsEnabled,
      calibration: (s.calibration?.points ?? []).map((p) => `${p.raw}=${p.actual}`).join('; '),
    })),
  };
}

export const emptySensor = (): SensorForm => ({
  id: '',
  measurement: '',
  unit: '',
  enabled: true,
  min: '',
  max: '',
  alertsEnabled: true,
  calibration: '',
});

/** A problem the console finds before asking the API, keyed like the API's (`input.sensors.0.min`). */
export type LocalIssues = Record<string, string>;

const num = (text: string): number | null => (text.trim() === '' ? null : Number(text));

function calibrationOf(text: string, field: string, issues: LocalIssues) {
  if (text.trim() === '') return undefined;
  const points = text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((pair) => {
      const [raw, actual, extra] = pair.split('=').map((x) => x.trim());
      const r = Number(raw);
      const a = Number(actual);
      if (
        extra !== undefined ||
        raw === '' ||
        actual === undefined ||
        !Number.isFinite(r) ||
        !Number.isFinite(a)
      )
        issues[field] = `"${pair}" is not raw=actual (two numbers), e.g. 0=0; 4095=14`;
      return { raw: r, actual: a };
    });
  return { points };
}

/**
 * The UpdateDeviceInput that turns `device` into `form`: only the fields that
 * changed (`sensors` whole, as the API replaces the list), with the optimistic
 * lock on the version the editor started from. Numbers that do not parse are
 * reported here; everything else is left to the API's validation.
 */
export function updateInput(
  device: Device,
  form: ConfigForm,
): { input: Record<string, unknown> | null; issues: LocalIssues } {
  const issues: LocalIssues = {};
  const input: Record<string, unknown> = { id: device.id, expectedVersion: device.configVersion };
  const before = formOf(device);
  if (form.name !== before.name) input.name = form.name.trim();
  if (form.description !== before.description) input.description = form.description.trim() || null;
  if (form.enabled !== before.enabled) input.enabled = form.enabled;
  if (form.intervalSeconds !== before.intervalSeconds) {
    const s = Number(form.intervalSeconds);
    if (!Number.isFinite(s) || form.intervalSeconds.trim() === '')
      issues['input.sensorIntervalMs'] = 'must be a number of seconds';
    else input.sensorIntervalMs = Math.round(s * 1000);
  }
  if (form.latitude !== before.latitude || form.longitude !== before.longitude) {
    const lat = num(form.latitude);
    const lon = num(form.longitude);
    if (lat === null && lon === null) input.location = null;
    else if (lat === null || lon === null || Number.isNaN(lat) || Number.isNaN(lon))
      issues['input.location'] = 'give both latitude and longitude as numbers, or neither';
    else input.location = { latitude: lat, longitude: lon };
  }
  if (JSON.stringify(form.sensors) !== JSON.stringify(before.sensors)) {
    input.sensors = form.sensors.map((s, i): SensorInput => {
      const min = num(s.min);
      const max = num(s.max);
      if (Number.isNaN(min)) issues[`input.sensors.${i}.min`] = 'must be a number';
      if (Number.isNaN(max)) issues[`input.sensors.${i}.max`] = 'must be a number';
      const calibration = calibrationOf(s.calibration, `input.sensors.${i}.calibration`, issues);
      return {
        id: s.id.trim(),
        measurement: s.measurement.trim(),
        unit: s.unit.trim() || null,
        enabled: s.enabled,
        min,
        max,
        alertsEnabled: s.alertsEnabled,
        ...(calibration ? { calibration } : {}),
      };
    });
  }
  if (Object.keys(issues).length) return { input: null, issues };
  return { input: Object.keys(input).length > 2 ? input : null, issues };
}
