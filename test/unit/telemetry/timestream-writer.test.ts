import {
  RejectedRecordsException,
  TimestreamWriteClient,
  ValidationException,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { TimestreamTelemetryStore, TimestreamWriter } from '../../../core/telemetry';
import { packRequest, recordBytes, requestBytes } from '../../../core/telemetry/timestream/layout';
import type { TelemetryRecord } from '../../../core/telemetry/types';
import { fakePipeline } from '../../../testkit/fake-pipeline';
import { NOW, tenSensorMessage } from '../../../testkit/telemetry-fixtures';
import { timestreamInternalError, timestreamThrottled } from '../../helpers/timestream-errors';

const tsMock = mockClient(TimestreamWriteClient);
const sleeps: number[] = [];

function store() {
  const table = { database: 'yvr-test-db', table: 'calibrated_device_data' };
  return new TimestreamTelemetryStore({
    ...table,
    writer: new TimestreamWriter({
      ...table,
      client: new TimestreamWriteClient({ region: 'us-west-2' }),
      retry: {
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 0.5,
        maxAttempts: 4,
        baseDelayMs: 100,
        maxDelayMs: 1000,
      },
    }),
  });
}

function record(deviceId: string, time: number, sensors = ['ph', 'tmp']): TelemetryRecord {
  return {
    deviceId,
    time,
    configVersion: 3,
    source: 'device',
    readings: sensors.map((s, i) => ({
      sensor: s,
      raw: i + 0.5,
      value: i * 2.25,
      unit: 'u',
      outOfRange: i === 1,
    })),
  };
}

const writeInputs = () => tsMock.commandCalls(WriteRecordsCommand).map((c) => c.args[0].input);

beforeEach(() => {
  tsMock.reset();
  sleeps.length = 0;
});

describe('Timestream writer', () => {
  it('writes one multi-measure record per message with the device time and config version as Version', async () => {
    tsMock.on(WriteRecordsCommand).resolves({});
    await store().write([record('b1', NOW)]);
    expect(writeInputs()).toEqual([
      {
        DatabaseName: 'yvr-test-db',
        TableName: 'calibrated_device_data',
        CommonAttributes: {
          MeasureValueType: 'MULTI',
          TimeUnit: 'MILLISECONDS',
          MeasureName: 'readings',
          Dimensions: [{ Name: 'device_id', Value: 'b1', DimensionValueType: 'VARCHAR' }],
        },
        Records: [
          {
            Time: String(NOW),
            Version: 3,
            MeasureValues: [
              { Name: 'ph', Value: '0', Type: 'DOUBLE' },
              { Name: 'ph_raw', Value: '0.5', Type: 'DOUBLE' },
              { Name: 'ph_oor', Value: 'false', Type: 'BOOLEAN' },
              { Name: 'ph_unit', Value: 'u', Type: 'VARCHAR' },
              { Name: 'tmp', Value: '2.25', Type: 'DOUBLE' },
              { Name: 'tmp_raw', Value: '1.5', Type: 'DOUBLE' },
              { Name: 'tmp_oor', Value: 'true', Type: 'BOOLEAN' },
              { Name: 'tmp_unit', Value: 'u', Type: 'VARCHAR' },
              { Name: 'config_version', Value: '3', Type: 'BIGINT' },
            ],
          },
        ],
      },
    ]);
  });

  it('keeps the device dimension per record when a request mixes devices', async () => {
    tsMock.on(WriteRecordsCommand).resolves({});
    await store().write([record('b1', NOW), record('b2', NOW)]);
    const [input] = writeInputs();
    expect(input?.CommonAttributes?.Dimensions).toBeUndefined();
    expect(input?.Records?.map((r) => r.Dimensions?.[0]?.Value)).toEqual(['b1', 'b2']);
  });

  it('sends at most 100 records a request', async () => {
    tsMock.on(WriteRecordsCommand).resolves({});
    await store().write(Array.from({ length: 250 }, (_, i) => record('b1', NOW - i * 1000)));
    expect(writeInputs().map((i) => i.Records?.length)).toEqual([100, 100, 50]);
  });

  it('sends identical WriteRecords requests when the same batch is processed three times', async () => {
    tsMock.on(WriteRecordsCommand).resolves({});
    const { pipeline } = fakePipeline({ telemetry: store() });
    const batch = Array.from({ length: 20 }, (_, i) => tenSensorMessage('b1', NOW - (i + 1) * 60_000, i));
    for (let run = 0; run < 3; run++) await pipeline.process(batch);
    const inputs = writeInputs();
    expect(inputs).toHaveLength(3);
    expect(inputs[1]).toEqual(inputs[0]);
    expect(inputs[2]).toEqual(inputs[0]);
    expect(inputs[0]?.Records).toHaveLength(20);
  });

  it('splits RejectedRecords into final and retryable failures of the right records', async () => {
    tsMock.on(WriteRecordsCommand).rejects(
      new RejectedRecordsException({
        message: 'One or more records have been rejected.',
        $metadata: {},
        RejectedRecords: [
          {
            RecordIndex: 0,
            Reason: 'The record timestamp is outside the time range of the data ingestion window.',
          },
          {
            RecordIndex: 2,
            Reason: 'A record with the same dimensions exists with a different value.',
            ExistingVersion: 4,
          },
          { RecordIndex: 3, Reason: 'Internal error, try again.' },
        ],
      }),
    );
    const result = await store().write([0, 1, 2, 3].map((i) => record('b1', NOW - i)));
    expect(result.failures.map((f) => [f.index, f.retryable])).toEqual([
      [0, false],
      [2, false],
      [3, true],
    ]);
    expect(result.failures[1]?.reason).toMatch(/version 4/);
  });

  it('retries throttling with bounded, jittered backoff and succeeds', async () => {
    tsMock
      .on(WriteRecordsCommand)
      .rejectsOnce(timestreamThrottled())
      .rejectsOnce(timestreamInternalError())
      .resolves({});
    const result = await store().write([record('b1', NOW)]);
    expect(result.failures).toEqual([]);
    expect(writeInputs()).toHaveLength(3);
    // full jitter with random() = 0.5: half of 100 * 2^attempt
    expect(sleeps).toEqual([50, 100]);
  });

  it('reports every record retryable once throttling outlasts the attempts', async () => {
    tsMock.on(WriteRecordsCommand).rejects(timestreamThrottled());
    const result = await store().write([record('b1', NOW), record('b2', NOW)]);
    expect(writeInputs()).toHaveLength(4);
    expect(result.failures.map((f) => [f.index, f.retryable])).toEqual([
      [0, true],
      [1, true],
    ]);
  });

  it('isolates the record a whole-request ValidationException blames and stores the others', async () => {
    const bad = NOW + 7;
    tsMock.on(WriteRecordsCommand).callsFake((input: { Records?: { Time?: string }[] }) => {
      if (input.Records?.some((r) => r.Time === String(bad)))
        throw new ValidationException({
          message: 'The value for measure ph is not a valid DOUBLE',
          Message: 'The value for measure ph is not a valid DOUBLE',
          $metadata: { httpStatusCode: 400 },
        });
      return {};
    });
    const records = Array.from({ length: 100 }, (_, i) => record(i % 2 ? 'b1' : 'b2', NOW + i));
    const result = await store().write(records);
    expect(result.failures).toEqual([
      {
        index: 7,
        reason: 'ValidationException: The value for measure ph is not a valid DOUBLE',
        retryable: false,
      },
    ]);
    // Every other record reached Timestream in a request that succeeded.
    const stored = writeInputs()
      .filter((input) => !input.Records?.some((r) => r.Time === String(bad)))
      .flatMap((input) => input.Records ?? []);
    expect(stored).toHaveLength(99);
    // Halving finds one bad record in at most 2 * log2(100) + 1 requests, not one per record.
    expect(writeInputs().length).toBeLessThanOrEqual(15);
    expect(sleeps).toEqual([]);
  });

  it('rejects a lone record Timestream refuses as invalid, without retrying it', async () => {
    tsMock
      .on(WriteRecordsCommand)
      .rejects(
        new ValidationException({ message: 'bad', Message: 'bad', $metadata: { httpStatusCode: 400 } }),
      );
    const result = await store().write([record('b1', NOW)]);
    expect(writeInputs()).toHaveLength(1);
    expect(result.failures).toEqual([{ index: 0, reason: 'ValidationException: bad', retryable: false }]);
  });

  it('retries every record without splitting when the request itself is refused (access, missing table)', async () => {
    const denied = Object.assign(new Error('not authorized to perform timestream:WriteRecords'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    tsMock.on(WriteRecordsCommand).rejects(denied);
    const result = await store().write([record('b1', NOW), record('b2', NOW)]);
    expect(writeInputs()).toHaveLength(1);
    expect(result.failures.map((f) => f.retryable)).toEqual([true, true]);
  });

  it('refuses sensors whose ids collide with the layout without sending them', async () => {
    tsMock.on(WriteRecordsCommand).resolves({});
    const result = await store().write([record('b1', NOW, ['time']), record('b1', NOW + 1)]);
    expect(result.failures).toEqual([
      { index: 0, reason: expect.stringMatching(/reserved/), retryable: false },
    ]);
    expect(writeInputs()[0]?.Records).toHaveLength(1);
  });
});

describe('Timestream size arithmetic', () => {
  it('counts 8 bytes of time, name lengths, 8 per double, 1 per boolean, text length per varchar', () => {
    const packed = packRequest([record('b1', NOW, ['ph'])]);
    // time 8 + ph 2+8 + ph_raw 6+8 + ph_oor 6+1 + ph_unit 7+1 + config_version 14+8
    expect(recordBytes(packed.records[0]!)).toBe(8 + 10 + 14 + 7 + 8 + 22);
    // common: device_id 9 + b1 2 + readings 8
    expect(requestBytes(packed)).toBe(69 + 19);
  });
});
