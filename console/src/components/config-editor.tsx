import { useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../lib/context';
import { emptySensor, formOf, updateInput, type ConfigForm, type SensorForm } from '../lib/config-form';
import { toApiError, type ApiError } from '../lib/errors';
import type { Device } from '../lib/types';
import { CheckboxField, ErrorBox, InputField, type InputAttributes } from './common';

/**
 * One text input of the editor: the form key it edits, the API field path its
 * ValidationError names (and, in `also`, a sub-path whose error lands on it too),
 * its label and the input's own attributes.
 */
interface TextInput<K extends string> {
  key: K;
  label: string;
  also?: string;
  input?: InputAttributes;
}

/** The station's text settings, in the order the form shows them; `path` is the API's field. */
const STATION_INPUTS: readonly (TextInput<
  'name' | 'description' | 'intervalSeconds' | 'latitude' | 'longitude'
> & { path: string })[] = [
  { key: 'name', path: 'name', label: 'Name' },
  { key: 'description', path: 'description', label: 'Description' },
  {
    key: 'intervalSeconds',
    path: 'sensorIntervalMs',
    label: 'Reporting interval (seconds)',
    input: { type: 'number', inputMode: 'numeric' },
  },
  {
    key: 'latitude',
    path: 'location',
    also: 'location.latitude',
    label: 'Latitude',
    input: { inputMode: 'decimal' },
  },
  { key: 'longitude', path: 'location.longitude', label: 'Longitude', input: { inputMode: 'decimal' } },
];

/** A sensor's text settings, in the order its row shows them; the API's field is `sensors.<i>.<key>`. */
const SENSOR_INPUTS: readonly TextInput<'id' | 'measurement' | 'unit' | 'min' | 'max' | 'calibration'>[] = [
  { key: 'id', label: 'Id' },
  { key: 'measurement', label: 'Measurement', input: { list: 'measurements' } },
  { key: 'unit', label: 'Unit' },
  { key: 'min', label: 'Min', input: { inputMode: 'decimal' } },
  { key: 'max', label: 'Max', input: { inputMode: 'decimal' } },
  {
    key: 'calibration',
    label: 'Calibration (raw=actual; ...)',
    also: 'calibration.points',
    input: { placeholder: '0=0; 4095=14' },
  },
];

/**
 * The station's config. Admins edit it (the API's validation messages appear
 * under the fields they name); users see it read-only.
 */
export function ConfigEditor({ device, onSaved }: { device: Device; onSaved: (d: Device) => void }) {
  const { api, user } = useConsole();
  const readOnly = user.role !== 'admin';
  const [form, setForm] = useState<ConfigForm>(() => formOf(device));
  const [base, setBase] = useState(device);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  /** The version this editor saved (or a note when nothing changed); its message follows the device's status. */
  const [saved, setSaved] = useState<number | string>();
  const [busy, setBusy] = useState(false);
  const dirty = JSON.stringify(form) !== JSON.stringify(formOf(base));

  // A change from elsewhere (another admin, a rollback) replaces an untouched form.
  useEffect(() => {
    if (!dirty) {
      setForm(formOf(device));
      setBase(device);
    }
  }, [device]);
  const stale = dirty && device.configVersion !== base.configVersion;

  const set = <K extends keyof ConfigForm>(key: K, value: ConfigForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const setSensor = (i: number, patch: Partial<SensorForm>) =>
    setForm((f) => ({ ...f, sensors: f.sensors.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const issue = (field: string) => issues[`input.${field}`];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(undefined);
    setError(undefined);
    const { input, issues: local } = updateInput(base, form);
    setIssues(local);
    if (!input) {
      if (!Object.keys(local).length) setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    try {
      const updated = await api.request<Device>('updateDevice', { input });
      setBase(updated);
      setForm(formOf(updated));
      setIssues({});
      setSaved(updated.configVersion);
      onSaved(updated);
    } catch (err) {
      const e = toApiError(err);
      setIssues(e.fields);
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const unplaced = error
    ? Object.entries(error.fields).filter(([k]) => !document.getElementById(fieldId(k)))
    : [];

  return (
    <form className="card config-editor" onSubmit={submit} aria-labelledby="config-title" noValidate>
      <h2 id="config-title">Config{readOnly ? ' (read-only: admins change it)' : ''}</h2>
      <fieldset disabled={readOnly || busy}>
        <legend className="sr-only">Station settings</legend>
        <div className="form-grid">
          {STATION_INPUTS.map(({ key, path, also, label, input }) => {
            const error = issue(path) ?? (also ? issue(also) : undefined);
            return (
              <InputField
                key={key}
                id={fieldId(`input.${path}`)}
                label={label}
                error={error}
                {...input}
                value={form[key]}
                onValue={(value) => set(key, value)}
              />
            );
          })}
          <CheckboxField
            id={fieldId('input.enabled')}
            label="Station enabled"
            checked={form.enabled}
            onChecked={(checked) => set('enabled', checked)}
          />
        </div>
      </fieldset>
      <fieldset disabled={readOnly || busy} className="sensors-editor">
        <legend>Sensors</legend>
        {issue('sensors') ? (
          <p className="field-error" role="alert">
            {issue('sensors')}
          </p>
        ) : null}
        {form.sensors.map((s, i) => {
          const p = `sensors.${i}`;
          const f = (name: string) => fieldId(`input.${p}.${name}`);
          return (
            <div className="sensor-row" key={i} role="group" aria-label={`Sensor ${s.id || i + 1}`}>
              {SENSOR_INPUTS.map(({ key, also, label, input }) => (
                <InputField
                  key={key}
                  id={f(key)}
                  label={label}
                  error={issue(`${p}.${key}`) ?? (also ? issue(`${p}.${also}`) : undefined)}
                  {...input}
                  value={s[key]}
                  onValue={(value) => setSensor(i, { [key]: value })}
                />
              ))}
              <CheckboxField
                id={f('enabled')}
                label="Enabled"
                checked={s.enabled}
                onChecked={(checked) => setSensor(i, { enabled: checked })}
              />
              <CheckboxField
                id={f('alertsEnabled')}
                label="Alerts"
                checked={s.alertsEnabled}
                onChecked={(checked) => setSensor(i, { alertsEnabled: checked })}
              />
              {!readOnly ? (
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Remove sensor ${s.id || i + 1}`}
                  onClick={() => setForm((x) => ({ ...x, sensors: x.sensors.filter((_, j) => j !== i) }))}
                >
                  Remove
                </button>
              ) : null}
            </div>
          );
        })}
        <datalist id="measurements">
          {['ch4', 'co2', 'cond', 'do', 'flw', 'lvl', 'ph', 'tmp', 'tds', 'tbd'].map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        {!readOnly ? (
          <button
            type="button"
            className="secondary"
            onClick={() => setForm((x) => ({ ...x, sensors: [...x.sensors, emptySensor()] }))}
          >
            Add sensor
          </button>
        ) : null}
      </fieldset>
      {stale ? (
        <p className="warning" role="status">
          The config changed to version {device.configVersion} since you started editing; saving will fail
          with a conflict.{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setBase(device);
              setForm(formOf(device));
            }}
          >
            Discard my changes and load it
          </button>
        </p>
      ) : null}
      {error && (unplaced.length || !Object.keys(error.fields).length) ? (
        <ErrorBox error={error} what="save the config" />
      ) : null}
      {error && Object.keys(error.fields).length && !unplaced.length ? (
        <p className="error" role="alert">
          The API refused the config: see the marked fields.
        </p>
      ) : null}
      {saved !== undefined ? (
        <p className="ok" role="status">
          {typeof saved === 'string'
            ? saved
            : saved !== device.configVersion
              ? `Saved as version ${saved}; the config has changed since.`
              : device.configStatus === 'PENDING'
                ? `Saved as version ${saved}: waiting for the station to apply it.`
                : device.configStatus === 'APPLIED'
                  ? `Saved as version ${saved} and applied by the station.`
                  : `Saved as version ${saved}, but the station rejected it: ${device.configRejectedReason ?? 'no reason given'}.`}
        </p>
      ) : null}
      {!readOnly ? (
        <div className="actions">
          <button type="submit" disabled={busy || !dirty}>
            {busy ? 'Saving...' : 'Save config'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!dirty || busy}
            onClick={() => {
              setForm(formOf(base));
              setIssues({});
              setError(undefined);
            }}
          >
            Undo changes
          </button>
        </div>
      ) : null}
    </form>
  );
}

/** The input id for an API field path, so a ValidationError lands on its input. */
export function fieldId(path: string): string {
  return `cfg-${path.replace(/\./g, '-')}`;
}
