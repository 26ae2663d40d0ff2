import { describe, expect, it } from 'vitest';
import type { IngestionDeps } from '../../../core/ingestion';
import { DuckDbTelemetryStore } from '../../../core/telemetry';
import { defaultMagneticStoreRetentionDays } from '../../../core/telemetry/timestream/retention';
import { timestreamOnFake } from '../../../testkit/fake-timestream';
import { fakePipeline } from '../../../testkit/fake-pipeline';
import { NOW, tenSensorMessage } from '../../../testkit/telemetry-fixtures';

// A buoy offline for days sends its backlog when it is back: Timestream takes it (magnetic-store
// writes) as far back as the magnetic store's retention, and the local store applies the same window.

const DAY = 86_400_000;

const pipelineOn = (telemetry: IngestionDeps['telemetry']) => fakePipeline({ telemetry }).pipeline;

/** The Timestream store, every write accepted (the table's own answer), with the given magnetic retention. */
const timestream = (magneticStoreRetentionDays?: number) =>
  timestreamOnFake(undefined, {
    write: () => ({}),
    store: magneticStoreRetentionDays !== undefined ? { magneticStoreRetentionDays } : {},
  });

describe('late data (backfill)', () => {
  it('stores a reading three days old locally and answers it in a range query', async () => {
    const store = await DuckDbTelemetryStore.open({ path: ':memory:' });
    const [outcome] = await pipelineOn(store).process([tenSensorMessage('b1', NOW - 3 * DAY, 1)]);
    expect(outcome?.status).toBe('accepted');
    const page = await store.range({
      deviceId: 'b1',
      sensor: 'ph',
      from: NOW - 4 * DAY,
      to: NOW,
      limit: 10,
    });
    expect(page.items.map((p) => p.time)).toEqual([new Date(NOW - 3 * DAY).toISOString()]);
    await store.close();
  });

  it('sends a reading three days old to Timestream instead of rejecting it', async () => {
    const { store, writes } = timestream();
    const [outcome] = await pipelineOn(store).process([tenSensorMessage('b1', NOW - 3 * DAY, 1)]);
    expect(outcome?.status).toBe('accepted');
    const sent = writes[0];
    expect(sent?.Records?.[0]?.Time).toBe(String(NOW - 3 * DAY));
  });

  it('applies the same window locally as in AWS, and rejects what is older than it', async () => {
    const local = await DuckDbTelemetryStore.open({ path: ':memory:' });
    expect(local.oldestWritable(NOW)).toBe(timestream().store.oldestWritable(NOW));
    expect(local.oldestWritable(NOW)).toBe(NOW - defaultMagneticStoreRetentionDays(false) * DAY);
    const [outcome] = await pipelineOn(local).process([tenSensorMessage('b1', NOW - 31 * DAY, 1)]);
    expect(outcome?.status === 'rejected' && outcome.reason).toMatch(/older than the store accepts/);
    await local.close();
  });

  it('follows the table retention it is given', () => {
    expect(timestream(3650).store.oldestWritable(NOW)).toBe(NOW - 3650 * DAY);
  });
});
