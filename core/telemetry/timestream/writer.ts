import {
  RejectedRecordsException,
  WriteRecordsCommand,
  type TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import type { RecordFailure, TelemetryRecord, WriteResult } from '../types';
import { MAX_RECORD_BYTES, packRequest, recordBytes, sensorColumnProblem } from './layout';
import { DEFAULT_RETRY, backoffDelay, isTransient, type RetryPolicy } from './retry';

/** Timestream's limit on records per WriteRecords request. */
export const MAX_RECORDS_PER_REQUEST = 100;

export interface TimestreamWriterOptions {
  client: TimestreamWriteClient;
  database: string;
  table: string;
  retry?: Partial<RetryPolicy>;
}

/**
 * Writes telemetry records to Timestream in as few requests as the 100-record
 * limit allows, and says per record what was not stored and whether it may
 * be retried. The client should be created with `maxAttempts: 1`: this owns
 * the retries, so they stay bounded and visible.
 */
export class TimestreamWriter {
  private readonly retry: RetryPolicy;

  constructor(private readonly options: TimestreamWriterOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  async write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    const failures: RecordFailure[] = [];
    // Records the layout cannot hold never reach Timestream: they would fail the whole request.
    const writable: number[] = [];
    records.forEach((record, index) => {
      const problem = record.readings.map((r) => sensorColumnProblem(r.sensor)).find((p) => p !== undefined);
      if (problem) failures.push({ index, reason: problem, retryable: false });
      else writable.push(index);
    });
    const chunks: number[][] = [];
    for (let i = 0; i < writable.length; i += MAX_RECORDS_PER_REQUEST) {
      chunks.push(writable.slice(i, i + MAX_RECORDS_PER_REQUEST));
    }
    const results = await Promise.all(chunks.map((chunk) => this.writeChunk(chunk, records)));
    for (const r of results) failures.push(...r);
    return { failures: failures.sort((a, b) => a.index - b.index) };
  }

  private async writeChunk(indexes: number[], all: readonly TelemetryRecord[]): Promise<RecordFailure[]> {
    const request = packRequest(indexes.map((i) => all[i]!));
    const failures: RecordFailure[] = [];
    const tooBig = new Set<number>();
    request.records.forEach((r, k) => {
      // Each record is billed and limited with what it shares counted in.
      if (recordBytes(r) + recordBytes(request.commonAttributes) > MAX_RECORD_BYTES) tooBig.add(k);
    });
    if (tooBig.size > 0) {
      for (const k of tooBig) {
        failures.push({
          index: indexes[k]!,
          reason: `record larger than ${MAX_RECORD_BYTES} bytes`,
          retryable: false,
        });
      }
      const rest = indexes.filter((_, k) => !tooBig.has(k));
      return rest.length > 0 ? [...failures, ...(await this.writeChunk(rest, all))] : failures;
    }

    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.client.send(
          new WriteRecordsCommand({
            DatabaseName: this.options.database,
            TableName: this.options.table,
            CommonAttributes: request.commonAttributes,
            Records: request.records,
          }),
        );
        return failures;
      } catch (err) {
        if (err instanceof RejectedRecordsException || (err as Error).name === 'RejectedRecordsException') {
          // The other records of the request were written; only the named ones were not.
          for (const rejected of (err as RejectedRecordsException).RejectedRecords ?? []) {
            const index = indexes[rejected.RecordIndex ?? -1];
            if (index === undefined) continue;
            failures.push(classifyRejection(index, rejected.Reason, rejected.ExistingVersion));
          }
          return failures;
        }
        if (isTransient(err) && attempt + 1 < this.retry.maxAttempts) {
          await this.retry.sleep(backoffDelay(this.retry, attempt));
          continue;
        }
        const reason = `${(err as Error).name ?? 'Error'}: ${(err as Error).message ?? 'WriteRecords failed'}`;
        if (!isTransient(err) && !isRequestLevel(err)) {
          // Timestream refused the request for what is in it (ValidationException names no record):
          // halve it until the record at fault stands alone, so its neighbours, other devices' too, are stored.
          if (indexes.length === 1) return [...failures, { index: indexes[0]!, reason, retryable: false }];
          const half = Math.ceil(indexes.length / 2);
          const [first, second] = await Promise.all([
            this.writeChunk(indexes.slice(0, half), all),
            this.writeChunk(indexes.slice(half), all),
          ]);
          return [...failures, ...first, ...second];
        }
        // Out of attempts, or a failure of the request itself (access, missing table):
        // none of these records is stored, and none is at fault, so SQS retries them.
        return [...failures, ...indexes.map((index) => ({ index, reason, retryable: true }))];
      }
    }
  }
}

/**
 * Errors about the request's right to run (credentials, permissions, the
 * table or database missing) rather than its records: no record is at fault,
 * so they are retried whole and never split.
 */
const REQUEST_LEVEL_ERRORS = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidEndpointException',
  'ServiceQuotaExceededException',
]);

function isRequestLevel(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return REQUEST_LEVEL_ERRORS.has((err as Error).name) || status === 401 || status === 403;
}

/**
 * RejectedRecords that a later write can fix are retryable; the documented
 * causes (a different record already at that key, a time outside the memory
 * store, a limit exceeded) are final: the message becomes a rejected message.
 */
export function classifyRejection(
  index: number,
  reason: string | undefined,
  existingVersion?: number,
): RecordFailure {
  const text = reason ?? 'rejected by Timestream';
  if (existingVersion !== undefined) {
    return {
      index,
      reason: `${text} (a record with different values exists at this device and time, version ${existingVersion})`,
      retryable: false,
    };
  }
  const retryable = /throttl|internal|temporar|try again|unavailable/i.test(text);
  return { index, reason: text, retryable };
}
