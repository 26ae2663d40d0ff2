import { useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../lib/context';
import { emptySensor, formOf, updateInput, type ConfigForm, type SensorForm } from '../lib/config-form';
import { toApiError, type ApiError } from '../lib/errors';
import type { Device } from '../lib/types';
import { ErrorBox, Field, describedBy } from './common';

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
          <Field id={fieldId('input.name')} label="Name" error={issue('name')}>
            <input
              id={fieldId('input.name')}
              value={form.name}
              onChange={(e) => set('name', e.target.value)}
              {...describedBy(fieldId('input.name'), issue('name'))}
            />
          </Field>
          <Field id={fieldId('input.description')} label="Description" error={issue('description')}>
            <input
              id={fieldId('input.description')}
              value={form.description}
              onChange={(e) => set('description', e.target.value)}
              {...describedBy(fieldId('input.description'), issue('description'))}
            />
          </Field>
          <Field
            id={fieldId('input.sensorIntervalMs')}
            label="Reporting interval (seconds)"
            error={issue('sensorIntervalMs')}
          >
            <input
              id={fieldId('input.sensorIntervalMs')}
              type="number"
              inputMode="numeric"
              value={form.intervalSeconds}
              onChange={(e) => set('intervalSeconds', e.target.value)}
              {...describedBy(fieldId('input.sensorIntervalMs'), issue('sensorIntervalMs'))}
            />
          </Field>
          <Field
            id={fieldId('input.location')}
            label="Latitude"
            error={issue('location') ?? issue('location.latitude')}
          >
            <input
              id={fieldId('input.location')}
              inputMode="decimal"
              value={form.latitude}
              onChange={(e) => set('latitude', e.target.value)}
              {...describedBy(fieldId('input.location'), issue('location') ?? issue('location.latitude'))}
            />
          </Field>
          <Field
            id={fieldId('input.location.longitude')}
            label="Longitude"
            error={issue('location.longitude')}
          >
            <input
              id={fieldId('input.location.longitude')}
              inputMode="decimal"
              value={form.longitude}
              onChange={(e) => set('longitude', e.target.value)}
              {...describedBy(fieldId('input.location.longitude'), issue('location.longitude'))}
            />
          </Field>
          <div className="field checkbox">
            <input
              id={fieldId('input.enabled')}
              type="checkbox"
              checked={form.enabled}
              onChange={(e) => set('enabled', e.target.checked)}
            />
            <label htmlFor={fieldId('input.enabled')}>Station enabled</label>
          </div>
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
              <Field id={f('id')} label="Id" error={issue(`${p}.id`)}>
                <input
                  id={f('id')}
                  value={s.id}
                  onChange={(e) => setSensor(i, { id: e.target.value })}
                  {...describedBy(f('id'), issue(`${p}.id`))}
                />
              </Field>
              <Field id={f('measurement')} label="Measurement" error={issue(`${p}.measurement`)}>
                <input
                  id={f('measurement')}
                  value={s.measurement}
                  list="measurements"
                  onChange={(e) => setSensor(i, { measurement: e.target.value })}
                  {...describedBy(f('measurement'), issue(`${p}.measurement`))}
                />
              </Field>
              <Field id={f('unit')} label="Unit" error={issue(`${p}.unit`)}>
                <input
                  id={f('unit')}
                  value={s.unit}
                  onChange={(e) => setSensor(i, { unit: e.target.value })}
                  {...describedBy(f('unit'), issue(`${p}.unit`))}
                />
              </Field>
              <Field id={f('min')} label="Min" error={issue(`${p}.min`)}>
                <input
                  id={f('min')}
                  inputMode="decimal"
                  value={s.min}
                  onChange={(e) => setSensor(i, { min: e.target.value })}
                  {...describedBy(f('min'), issue(`${p}.min`))}
                />
              </Field>
              <Field id={f('max')} label="Max" error={issue(`${p}.max`)}>
                <input
                  id={f('max')}
                  inputMode="decimal"
                  value={s.max}
                  onChange={(e) => setSensor(i, { max: e.target.value })}
                  {...describedBy(f('max'), issue(`${p}.max`))}
                />
              </Field>
              <Field
                id={f('calibration')}
                label="Calibration (raw=actual; ...)"
                error={issue(`${p}.calibration`) ?? issue(`${p}.calibration.points`)}
              >
                <input
                  id={f('calibration')}
                  value={s.calibration}
                  placeholder="0=0; 4095=14"
                  onChange={(e) => setSensor(i, { calibration: e.target.value })}
                  {...describedBy(
                    f('calibration'),
                    issue(`${p}.calibration`) ?? issue(`${p}.calibration.points`),
                  )}
                />
              </Field>
              <div className="field checkbox">
                <input
                  id={f('enabled')}
                  type="checkbox"
                  checked={s.enabled}
                  onChange={(e) => setSensor(i, { enabled: e.target.checked })}
                />
                <label htmlFor={f('enabled')}>Enabled</label>
              </div>
              <div className="field checkbox">
                <input
                  id={f('alertsEnabled')}
                  type="checkbox"
                  checked={s.alertsEnabled}
                  onChange={(e) => setSensor(i, { alertsEnabled: e.target.checked })}
                />
                <label htmlFor={f('alertsEnabled')}>Alerts</label>
              </div>
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
