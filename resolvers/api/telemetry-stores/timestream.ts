import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TelemetryStore } from '../../../core/telemetry/port';
import { TimestreamTelemetryStore } from '../../../core/telemetry/timestream/store';
import { loadedOnFirstCall } from '../on-first-call';
import type { TimestreamNames } from '../on-demand/timestream-writer';

/**
 * The Timestream store of a stack deployed with `--context telemetry=timestream`
 * (imported by handler.ts at init). The API reads; only a replay or a
 * recalibration writes, so the write client is loaded on the first write.
 */
export function timestreamTelemetryStore(
  names: TimestreamNames,
  magneticStoreRetentionDays: number,
): TelemetryStore {
  return new TimestreamTelemetryStore({
    ...names,
    queryClient: new TimestreamQueryClient({}),
    writer: loadedOnFirstCall<Pick<TelemetryStore, 'write'>>(
      'The Timestream writer',
      async () => (await import('../on-demand/timestream-writer')).timestreamWriter(names),
      { write: true },
    ),
    magneticStoreRetentionDays,
  });
}
