import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { TimestreamWriter } from '../../../core/telemetry/timestream/writer';

/** The Timestream database and table the stack created. */
export interface TimestreamNames {
  database: string;
  table: string;
}

/** The writer of a replay or a recalibration (imported on the API's first telemetry write). */
export const timestreamWriter = (names: TimestreamNames): TimestreamWriter =>
  // maxAttempts 1: the writer owns retries (bounded backoff with jitter), so they are not multiplied.
  new TimestreamWriter({ ...names, client: new TimestreamWriteClient({ maxAttempts: 1 }) });
