import { describe, expect, it } from 'vitest';
import { createQualityAssessor } from '../../../core/quality/assessor';
import { devicesOf, fakePipeline } from '../../../testkit/fake-pipeline';
import { NOW, device, message, sensor } from '../../../testkit/telemetry-fixtures';

const MIN = 60_000;

function setup() {
  const warnings: string[] = [];
  let now = NOW;
  const { pipeline, telemetry } = fakePipeline({
    devices: devicesOf(
      device('b1', [
        sensor('ph', {
          unit: 'pH',
          measurement: 'ph',
          calibration: {
            points: [
              { raw: 0, actual: 0 },
              { raw: 1, actual: 1 },
            ],
            calibratedAt: null,
          },
        }),
      ]),
    ),
    quality: createQualityAssessor(),
    clock: () => now,
    logger: { warn: (m) => warnings.push(m) },
  });
  const send = async (ph: number, i: number) => {
    now += 1_000;
    return pipeline.process([
      message('devices/b1/readings', { ts: NOW - 60 * MIN + i * MIN, readings: { ph } }),
    ]);
  };
  return { telemetry, warnings, send };
}

describe('ingestion pipeline with quality control', () => {
  it('flags each calibrated reading and writes the spike verdict as a new version with the next batch', async () => {
    const { telemetry, send } = setup();
    for (const [i, ph] of [7, 7.1, 9.5, 7.2].entries()) await send(ph, i);
    const spikes = telemetry.written.filter((r) => r.readings[0]?.value === 9.5);
    expect(spikes.map((r) => [r.readings[0]?.qcFlag, r.readings[0]?.qcTests])).toEqual([
      [1, []],
      [4, ['spike']],
    ]);
    expect(spikes[1]!.version).toBeGreaterThan(spikes[0]!.version!);
    // pH 15 is off the pH scale: failed at once, no history needed.
    await send(15, 4);
    const offScale = telemetry.written.find((r) => r.readings[0]?.value === 15);
    expect(offScale?.readings[0]).toMatchObject({
      qcFlag: 4,
      qcTests: expect.arrayContaining(['gross_range']),
    });
  });

  it('keeps the message accepted when only the late verdict fails to store, and says so in the log', async () => {
    const { telemetry, warnings, send } = setup();
    for (const [i, ph] of [7, 7.1, 9.5].entries()) await send(ph, i);
    telemetry.failWith = (r) =>
      r.readings[0]?.value === 9.5 ? { reason: 'throttled', retryable: true } : undefined;
    const [outcome] = await send(7.2, 3);
    expect(outcome?.status).toBe('accepted');
    expect(warnings).toEqual(['A late quality flag was not stored; the earlier flag stays']);
  });

  it('fails only the message whose quality check throws, and stores the batch when settling throws', async () => {
    const phOnly = (id: string) => device(id, [sensor('ph', { unit: 'pH', measurement: 'ph' })]);
    const warnings: string[] = [];
    let settleThrows = false;
    const { pipeline, telemetry } = fakePipeline({
      devices: devicesOf(phOnly('b1'), phOnly('b2')),
      quality: {
        assess: (qcDevice, record) => {
          if (qcDevice.id === 'b2') throw new TypeError('bad thresholds');
          for (const r of record.readings) Object.assign(r, { qcFlag: 1, qcTests: [] });
        },
        settle: () => {
          if (settleThrows) throw new Error('history broken');
          return [];
        },
      },
      logger: { warn: (m) => warnings.push(m) },
    });
    const batch = () => [
      message('devices/b1/readings', { ts: NOW - MIN, readings: { ph: 7 } }),
      message('devices/b2/readings', { ts: NOW - MIN, readings: { ph: 7 } }),
    ];
    const [b1, b2] = await pipeline.process(batch());
    expect(b1?.status).toBe('accepted');
    expect(b2).toMatchObject({
      status: 'retry',
      reason: expect.stringContaining('TypeError: bad thresholds'),
    });
    expect(telemetry.written.map((r) => [r.deviceId, r.readings[0]?.qcFlag])).toEqual([['b1', 1]]);

    settleThrows = true;
    const [again] = await pipeline.process(batch());
    expect(again?.status).toBe('accepted');
    expect(telemetry.written).toHaveLength(2);
    expect(warnings).toContain('Quality control could not settle the late flags; the earlier flags stay');
  });
});
