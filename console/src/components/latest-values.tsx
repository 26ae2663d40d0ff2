import { QC_LABELS, ago, formatValue } from '../lib/format';
import type { Device, Reading } from '../lib/types';
import { DataTable, NameCell } from './common';

/** The newest value of each sensor, with its unit and out-of-range and quality marks. */
export function LatestValues({
  device,
  readings,
  now,
}: {
  device: Device;
  readings: readonly Reading[];
  now: number;
}) {
  const bySensor = new Map(readings.map((r) => [r.sensor, r]));
  return (
    <DataTable
      className="latest responsive"
      caption="Latest value of each sensor"
      columns={['Sensor', 'Value', 'Range', 'Quality', 'When']}
      rows={device.sensors}
      keyOf={(s) => s.id}
      testId={(s) => `latest-${s.id}`}
      rowClass={(s) => (bySensor.get(s.id)?.outOfRange ? 'out-of-range' : undefined)}
    >
      {(s) => {
        const r = bySensor.get(s.id);
        const flag = r?.qcFlag;
        return (
          <>
            <NameCell
              label="Sensor"
              name={s.measurement}
              detail={s.id !== s.measurement ? s.id : undefined}
              off={s.enabled ? undefined : 'off'}
            />
            <td data-label="Value" className="value">
              {formatValue(r?.value, r?.unit ?? s.unit, s.decimals)}
            </td>
            <td data-label="Range">
              {r?.outOfRange ? (
                <span className="badge out-badge" title={`Limits ${s.min ?? '-'} to ${s.max ?? '-'}`}>
                  out of range
                </span>
              ) : (
                <span className="muted small">
                  {s.min ?? '-'} to {s.max ?? '-'}
                </span>
              )}
            </td>
            <td data-label="Quality">
              {flag ? (
                <span
                  className={`badge qc-${flag}`}
                  title={r?.qcTests?.length ? `Flagged by ${r.qcTests.join(', ')}` : undefined}
                >
                  {QC_LABELS[flag] ?? `flag ${flag}`}
                  {r?.qcTests?.length ? `: ${r.qcTests.join(', ')}` : ''}
                </span>
              ) : (
                <span className="muted small">-</span>
              )}
            </td>
            <td data-label="When" title={r?.time}>
              {r ? ago(r.time, now) : 'no reading yet'}
            </td>
          </>
        );
      }}
    </DataTable>
  );
}
