import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbTelemetryStore } from '../../../core/telemetry';
import { fakePipeline } from '../../../testkit/fake-pipeline';
import { NOW, tenSensorMessage } from '../../../testkit/telemetry-fixtures';
import { telemetryStoreContract } from './contract';

telemetryStoreContract('DuckDB in memory', async () => {
  const store = await DuckDbTelemetryStore.open({ path: ':memory:' });
  return { store, close: () => store.close() };
});

describe('DuckDB telemetry store', () => {
  it('leaves identical rows when the pipeline processes the same batch three times', async () => {
    const store = await DuckDbTelemetryStore.open({ path: ':memory:' });
    const { pipeline } = fakePipeline({ telemetry: store });
    const batch = Array.from({ length: 30 }, (_, i) => tenSensorMessage('b1', NOW - (i + 1) * 60_000, i));
    const snapshots = [];
    for (let run = 0; run < 3; run++) {
      await pipeline.process(batch);
      snapshots.push(
        await store.range({ deviceId: 'b1', sensor: 'ph', from: NOW - 3_600_000, to: NOW, limit: 1000 }),
      );
    }
    expect(snapshots[0]?.items).toHaveLength(30);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
    expect((await store.latest('b1')).length).toBe(10);
    await store.close();
  });

  it('keeps its data in a file across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duck-'));
    try {
      const path = join(dir, 'telemetry.duckdb');
      const first = await DuckDbTelemetryStore.open({ path });
      await first.write([
        {
          deviceId: 'b1',
          time: NOW,
          configVersion: 1,
          source: 'device',
          readings: [{ sensor: 'ph', raw: 1, value: 7, unit: null, outOfRange: false }],
        },
      ]);
      await first.close();
      const second = await DuckDbTelemetryStore.open({ path });
      expect((await second.latest('b1')).map((r) => r.value)).toEqual([7]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
