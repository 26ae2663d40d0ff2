import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Calibration, Device } from '../core/generated/graphql';
import type { DeviceAck } from '../core/devices/model';
import type {
  AckRecorder,
  ChangeNotifier,
  DeviceLookup,
  InboundMessage,
  IngestionDevice,
  LastSeenWriter,
} from '../core/ingestion';
import type { CalibrationSensor } from '../core/ingestion/types';
import type { TelemetryStore } from '../core/telemetry';
import type { TelemetryRecord, WriteResult } from '../core/telemetry/types';
import { calibrationPoints, type CalibrationPairs } from './device-inputs';

/** 2026-11-27T00:00:00Z: the fixed "now" of the telemetry tests. */
export const NOW = Date.UTC(2026, 10, 27, 0, 0, 0);

export const TEN_SENSORS = ['ch4', 'co2', 'cond', 'do', 'flw', 'lvl', 'ph', 'tmp', 'tds', 'tbd'] as const;

/** A sensor's calibration from `[raw, actual]` pairs, with no calibration date. */
export function calibration(pairs: CalibrationPairs): Calibration {
  return { points: calibrationPoints(pairs), calibratedAt: null };
}

/** The calibration {@link sensor} gives unless told otherwise: raw 0 -> 0, raw 10 -> 100. */
const TENFOLD: CalibrationPairs = [
  [0, 0],
  [10, 100],
];

/** A sensor with a two-point calibration (raw 0 -> 0, raw 10 -> 100 unless given). */
export function sensor(id: string, overrides: Partial<CalibrationSensor> = {}): CalibrationSensor {
  return {
    id,
    unit: 'u',
    enabled: true,
    min: null,
    max: null,
    decimals: 2,
    calibration: calibration(TENFOLD),
    ...overrides,
  };
}

/** A device with the ten sensors (or the given ones), enabled, at configVersion 3. */
export function device(
  id = 'b1',
  sensors: CalibrationSensor[] = TEN_SENSORS.map((s) => sensor(s)),
): IngestionDevice {
  return { id, enabled: true, configVersion: 3, sensors };
}

/** An MQTT message as the pipeline takes it. */
export function message(topic: string, payload: unknown, receivedAt = NOW): InboundMessage {
  const bytes =
    payload instanceof Uint8Array
      ? payload
      : new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return { topic, payload: bytes, receivedAt };
}

/** A ten-sensor reading message of device `id` at `ts`. */
export function tenSensorMessage(id = 'b1', ts = NOW - 60_000, seed = 1): InboundMessage {
  const readings: Record<string, number> = {};
  TEN_SENSORS.forEach((s, i) => (readings[s] = Math.round(((seed * 7 + i * 13) % 97) * 10) / 100));
  return message(`devices/${id}/readings`, { ts, seq: seed, readings });
}

/** An SQS record with the IoT rule's envelope around `m`. */
export function sqsRecord(m: InboundMessage, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify({
      payload: Buffer.from(m.payload).toString('base64'),
      topic: m.topic,
      receivedAt: m.receivedAt,
    }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(m.receivedAt),
      SenderId: 'iot',
      ApproximateFirstReceiveTimestamp: String(m.receivedAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:yvr-test-telemetry',
    awsRegion: 'us-west-2',
  };
}

export const sqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A device store fake that counts reads. */
export class FakeDevices implements DeviceLookup {
  reads = 0;
  constructor(public readonly devices: Map<string, IngestionDevice> = new Map([['b1', device()]])) {}
  async get(id: string): Promise<IngestionDevice | undefined> {
    this.reads++;
    return this.devices.get(id);
  }
}

export class FakeLastSeen implements LastSeenWriter {
  calls: { id: string; at: string }[] = [];
  async touchLastSeen(id: string, at: string): Promise<void> {
    this.calls.push({ id, at });
  }
}

/** recordAck as the device service behaves: NotFound for unknown devices, Validation for versions never issued. */
export class FakeAcks implements AckRecorder {
  calls: DeviceAck[] = [];
  constructor(
    private readonly devices: FakeDevices,
    private readonly fail?: unknown,
  ) {}
  async recordAck(input: DeviceAck): Promise<Device> {
    this.calls.push(input);
    if (this.fail) throw this.fail;
    const { NotFoundError, ValidationError } = await import('../core/shared/errors');
    const d = this.devices.devices.get(input.deviceId);
    if (!d) throw new NotFoundError(`Device "${input.deviceId}" does not exist.`);
    if (input.version > d.configVersion) {
      throw new ValidationError({ field: 'version', message: `${input.version} was never issued` });
    }
    return d as unknown as Device;
  }
}

export class FakeNotifier implements ChangeNotifier {
  calls: string[] = [];
  constructor(private readonly fail = false) {}
  async deviceChanged(id: string): Promise<void> {
    if (this.fail) throw new Error('AppSync unavailable');
    this.calls.push(id);
  }
}

/** A telemetry sink that keeps what it is given and can be told to fail records. */
export class MemoryTelemetry implements Pick<TelemetryStore, 'write' | 'oldestWritable'> {
  written: TelemetryRecord[] = [];
  calls = 0;
  failWith?: (record: TelemetryRecord, index: number) => { reason: string; retryable: boolean } | undefined;
  oldestWritable(now: number): number {
    return now - 24 * 3_600_000;
  }
  async write(records: readonly TelemetryRecord[]): Promise<WriteResult> {
    this.calls++;
    const failures: WriteResult['failures'] = [];
    records.forEach((r, index) => {
      const f = this.failWith?.(r, index);
      if (f) failures.push({ index, ...f });
      else this.written.push(r);
    });
    return { failures };
  }
}
