import type { Calibration, CalibrationLogEntry } from '../generated/graphql';
import { calibrationLogEntry } from './calibration-log';

/** What a config version's change record says, as the device service keeps it. */
export interface ConfigChangeLike {
  version: number;
  changedBy: string | null;
  changedAt: string;
  diff: readonly { path: string; from: string | null; to: string | null }[];
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));

function calibrationOf(value: unknown): Calibration | null {
  if (typeof value !== 'object' || value === null) return null;
  const points = (value as { points?: unknown }).points;
  if (!Array.isArray(points)) return null;
  return {
    points: points.map((p: { raw: number; actual: number }) => ({ raw: p.raw, actual: p.actual })),
    calibratedAt: ((value as { calibratedAt?: string | null }).calibratedAt ?? null) as string | null,
  };
}

/**
 * The calibration log entries a config change makes: one per sensor whose
 * calibration points changed (a new sensor with a calibration counts; one
 * removed does not, its last calibration is in the history). Ids are derived
 * from the version, so writing them again after a retry is harmless.
 */
export function calibrationChangesOf(deviceId: string, change: ConfigChangeLike): CalibrationLogEntry[] {
  const entries: CalibrationLogEntry[] = [];
  for (const d of change.diff) {
    let sensorId: string | undefined;
    let before: Calibration | null = null;
    let after: Calibration | null = null;
    const field = /^sensors\.([^.]+)\.calibration$/.exec(d.path);
    const whole = /^sensors\.([^.]+)$/.exec(d.path);
    if (field) {
      sensorId = field[1];
      before = calibrationOf(parse(d.from));
      after = calibrationOf(parse(d.to));
    } else if (whole && d.from === null) {
      sensorId = whole[1];
      after = calibrationOf((parse(d.to) as { calibration?: unknown } | null)?.calibration);
      if (!after) continue;
    } else continue;
    if (!sensorId) continue;
    entries.push(
      calibrationLogEntry({
        id: `cal-v${change.version}-${sensorId}`,
        deviceId,
        sensorId,
        kind: 'CALIBRATION',
        at: change.changedAt,
        by: change.changedBy,
        configVersion: change.version,
        before,
        after,
      }),
    );
  }
  return entries;
}
