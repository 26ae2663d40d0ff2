import { NotFoundError, ValidationError } from '../shared/errors';
import type { QualityAssessor } from '../quality/assessor';
import type { TelemetryStore } from '../telemetry/port';
import type { TelemetryRecord } from '../telemetry/types';
import { parseMessage, type ParsedMessage } from './parse';
import { deviceIdHint } from './topics';
import type { AlertEvaluator, AckRecorder, ChangeNotifier, DeviceLookup, LastSeenWriter } from './ports';
import { buildRecord } from './records';
import type { InboundMessage, IngestionDevice, MessageOutcome } from './types';

/** The logger methods the pipeline uses (Powertools' Logger fits). */
export interface PipelineLogger {
  warn(message: string, ...extra: unknown[]): void;
}

export interface IngestionDeps {
  devices: DeviceLookup;
  telemetry: Pick<TelemetryStore, 'write' | 'oldestWritable'>;
  acks: AckRecorder;
  notifier: ChangeNotifier;
  lastSeen: LastSeenWriter;
  /** Threshold and silence alerts (core/alerts); absent = no alerts. */
  alerts?: AlertEvaluator;
  /**
   * QARTOD quality control (core/quality), run on each record right after
   * calibration. Absent: readings are stored without flags (read back as 2).
   */
  quality?: QualityAssessor;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
  logger?: PipelineLogger;
}

/**
 * Parse, calibrate, write: the one pipeline that both the processor (SQS
 * batches) and the API (replay of a rejected message) run, so a replayed
 * message meets exactly the rules it failed.
 */
export interface IngestionPipeline {
  /**
   * Runs a batch. Returns one outcome per message, in order; never throws.
   * It does not store rejections: the processor keeps them, a replay updates
   * the one it came from.
   */
  process(messages: readonly InboundMessage[]): Promise<MessageOutcome[]>;
}

/** Builds the pipeline from its ports. */
export function createIngestionPipeline(deps: IngestionDeps): IngestionPipeline {
  const clock = deps.clock ?? Date.now;
  return {
    async process(messages) {
      const outcomes = new Array<MessageOutcome | undefined>(messages.length);
      try {
        await run(deps, clock, messages, outcomes);
      } catch (err) {
        // A bug outside any one message (a port that throws against its promise): the messages not
        // yet decided are retried, and after SQS's last attempt kept as rejected with this error.
        deps.logger?.warn('The ingestion pipeline failed outside a message', { error: err });
        for (let i = 0; i < messages.length; i++)
          outcomes[i] ??= fault(messages[i]!, deviceIdHint(messages[i]!.topic), err);
      }
      return outcomes.map((o, i) => o ?? retry(messages[i]!, null, 'not processed'));
    },
  };
}

/** The pipeline's body; it fills `outcomes` as it decides them, so a throw keeps what was decided. */
async function run(
  deps: IngestionDeps,
  clock: () => number,
  messages: readonly InboundMessage[],
  outcomes: (MessageOutcome | undefined)[],
): Promise<void> {
  const now = clock();
  const window = { now, oldest: deps.telemetry.oldestWritable(now) };
  // Each message is parsed on its own guard: a bug that one payload trips fails only that message.
  const parsed = messages.map((m, i): ParsedMessage | undefined => {
    try {
      return parseMessage(m, window);
    } catch (err) {
      outcomes[i] = fault(m, deviceIdHint(m.topic), err);
      return undefined;
    }
  });

  // Acks first: one that shows a newer config refreshes the device before
  // the batch's readings are calibrated with it.
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i];
    if (p?.kind === 'ack')
      outcomes[i] = await guarded(messages[i]!, p.deviceId, () => handleAck(deps, messages[i]!, p));
    else if (p?.kind === 'invalid') outcomes[i] = rejected(messages[i]!, p.deviceId, p.reason);
  }

  const devices = await lookUpDevices(deps.devices, parsed);

  const records: TelemetryRecord[] = [];
  const owners: number[] = [];
  const partial = new Map<number, string>();
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i];
    if (p?.kind !== 'readings') continue;
    const message = messages[i]!;
    const found = devices.get(p.deviceId);
    if (!found || 'error' in found) {
      outcomes[i] = retry(message, p.deviceId, 'device lookup failed', found?.error);
      continue;
    }
    const device = found.device;
    if (!device) {
      outcomes[i] = rejected(message, p.deviceId, `unknown device "${p.deviceId}"`);
      continue;
    }
    if (!device.enabled) {
      outcomes[i] = rejected(message, p.deviceId, `device "${p.deviceId}" is disabled`);
      continue;
    }
    let built: ReturnType<typeof buildRecord>;
    try {
      built = buildRecord(device, p);
    } catch (err) {
      outcomes[i] = fault(message, p.deviceId, err);
      continue;
    }
    if (!built.record) {
      outcomes[i] = rejected(message, p.deviceId, built.problems.join('; '));
      continue;
    }
    if (deps.quality) {
      // A later write of the same record must replace it (the spike test's late verdict).
      built.record.version = now;
      try {
        deps.quality.assess(device, built.record);
      } catch (err) {
        outcomes[i] = fault(message, p.deviceId, err);
        continue;
      }
    }
    records.push(built.record);
    owners.push(i);
    if (built.problems.length > 0) partial.set(i, built.problems.join('; '));
  }

  // New versions of records from earlier batches (the spike verdict lags one reading);
  // they ride with this write but belong to no message of it.
  let revisions: TelemetryRecord[] = [];
  try {
    revisions = deps.quality?.settle() ?? [];
  } catch (err) {
    // Only the late flags are lost: the batch's own records already carry their flags.
    deps.logger?.warn('Quality control could not settle the late flags; the earlier flags stay', {
      error: err,
    });
  }

  const failures = await writeRecords(deps, [...records, ...revisions]);
  for (const [index, failure] of failures) {
    if (index < records.length) continue;
    deps.logger?.warn('A late quality flag was not stored; the earlier flag stays', {
      deviceId: revisions[index - records.length]?.deviceId,
      reason: failure.reason,
    });
  }
  for (let r = 0; r < owners.length; r++) {
    const i = owners[r]!;
    const message = messages[i]!;
    const deviceId = records[r]!.deviceId;
    const failure = failures.get(r);
    if (failure?.retryable) outcomes[i] = retry(message, deviceId, failure.reason, failure.cause);
    else if (failure) {
      // The sensors that were already refused stay named in the reason.
      const also = partial.has(i) ? `; ${partial.get(i)!}` : '';
      outcomes[i] = rejected(message, deviceId, `the telemetry store refused it: ${failure.reason}${also}`);
    } else if (partial.has(i)) outcomes[i] = rejected(message, deviceId, partial.get(i)!, true);
    else outcomes[i] = { status: 'accepted', message, deviceId };
  }

  if (deps.alerts) await evaluateAlerts(deps.alerts, outcomes, records, owners, devices);
  await touchLastSeen(deps, outcomes, devices);
}

/** Runs one message's step; a throw becomes that message's fault, not the batch's. */
async function guarded(
  message: InboundMessage,
  deviceId: string | null,
  step: () => Promise<MessageOutcome>,
): Promise<MessageOutcome> {
  try {
    return await step();
  } catch (err) {
    return fault(message, deviceId, err);
  }
}

type Lookup = { device: IngestionDevice | undefined } | { error: unknown };

/** One lookup per distinct device of the batch, in parallel; a cache makes most of them free. */
async function lookUpDevices(
  lookup: DeviceLookup,
  parsed: readonly (ParsedMessage | undefined)[],
): Promise<Map<string, Lookup>> {
  const ids = new Set<string>();
  for (const p of parsed) if (p?.kind === 'readings') ids.add(p.deviceId);
  const out = new Map<string, Lookup>();
  await Promise.all(
    [...ids].map(async (id) => {
      try {
        out.set(id, { device: await lookup.get(id) });
      } catch (error) {
        out.set(id, { error });
      }
    }),
  );
  return out;
}

async function handleAck(
  deps: IngestionDeps,
  message: InboundMessage,
  ack: Extract<ParsedMessage, { kind: 'ack' }>,
): Promise<MessageOutcome> {
  deps.devices.observeVersion?.(ack.deviceId, ack.version);
  let device;
  try {
    device = await deps.acks.recordAck({
      deviceId: ack.deviceId,
      version: ack.version,
      status: ack.status,
      ...(ack.reason !== undefined ? { reason: ack.reason } : {}),
      receivedAt: new Date(message.receivedAt).toISOString(),
    });
  } catch (err) {
    if (err instanceof NotFoundError)
      return rejected(message, ack.deviceId, `unknown device "${ack.deviceId}"`);
    if (err instanceof ValidationError) return rejected(message, ack.deviceId, `config ack: ${err.message}`);
    return retry(message, ack.deviceId, 'recording the ack failed', err);
  }
  deps.devices.remember?.(device);
  try {
    await deps.notifier.deviceChanged(ack.deviceId);
  } catch (err) {
    // Recording the ack again on redelivery is harmless; subscribers missing it is not.
    return retry(message, ack.deviceId, 'notifying subscribers of the ack failed', err);
  }
  return { status: 'accepted', message, deviceId: ack.deviceId };
}

interface Failure {
  reason: string;
  retryable: boolean;
  cause?: unknown;
}

async function writeRecords(deps: IngestionDeps, records: TelemetryRecord[]): Promise<Map<number, Failure>> {
  const failures = new Map<number, Failure>();
  if (records.length === 0) return failures;
  try {
    const result = await deps.telemetry.write(records);
    for (const f of result.failures) failures.set(f.index, { reason: f.reason, retryable: f.retryable });
  } catch (cause) {
    // The port promises not to throw; if an adapter does anyway, nothing is known stored.
    for (let i = 0; i < records.length; i++)
      failures.set(i, { reason: 'telemetry write failed', retryable: true, cause });
  }
  return failures;
}

/**
 * The alert rules over what this batch stored, after calibration: one call
 * for the batch, grouped by device. A device whose alert transition could not
 * be written has its messages retried (telemetry writes are upserts, so the
 * redelivery stores nothing twice and evaluates the readings again).
 */
async function evaluateAlerts(
  alerts: AlertEvaluator,
  outcomes: (MessageOutcome | undefined)[],
  records: readonly TelemetryRecord[],
  owners: readonly number[],
  devices: Map<string, Lookup>,
): Promise<void> {
  const byDevice = new Map<string, TelemetryRecord[]>();
  for (let r = 0; r < owners.length; r++) {
    const o = outcomes[owners[r]!];
    const stored = o?.status === 'accepted' || (o?.status === 'rejected' && o.partial);
    if (!stored) continue;
    const record = records[r]!;
    const list = byDevice.get(record.deviceId);
    if (list) list.push(record);
    else byDevice.set(record.deviceId, [record]);
  }
  if (byDevice.size === 0) return;
  const batches = [...byDevice].flatMap(([id, list]) => {
    const found = devices.get(id);
    return found && 'device' in found && found.device ? [{ device: found.device, records: list }] : [];
  });
  let failed: ReadonlySet<string>;
  try {
    failed = await alerts.evaluate(batches);
  } catch {
    // A bug in the evaluation: the devices' messages go round again (their readings are idempotent
    // upserts), so no transition is lost in silence.
    failed = new Set(batches.map((b) => b.device.id));
  }
  if (failed.size === 0) return;
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    if (o && o.deviceId !== null && failed.has(o.deviceId) && o.status !== 'retry')
      outcomes[i] = retry(o.message, o.deviceId, 'alert state could not be written');
  }
}

/**
 * lastSeenAt once per device per batch, with the batch's latest receive time.
 * A failure here is logged, not retried: the readings are stored, and the
 * device's next batch writes it again.
 */
async function touchLastSeen(
  deps: IngestionDeps,
  outcomes: readonly (MessageOutcome | undefined)[],
  devices: Map<string, Lookup>,
): Promise<void> {
  const latest = new Map<string, number>();
  for (const o of outcomes) {
    if (!o || o.deviceId === null) continue;
    const stored = o.status === 'accepted' || (o.status === 'rejected' && o.partial);
    if (!stored) continue;
    latest.set(o.deviceId, Math.max(latest.get(o.deviceId) ?? 0, o.message.receivedAt));
  }
  await Promise.all(
    [...latest].map(async ([id, at]) => {
      try {
        const found = devices.get(id);
        const device = found && 'device' in found ? found.device : undefined;
        if (!deps.alerts || !device) {
          await deps.lastSeen.touchLastSeen(id, new Date(at).toISOString());
          return;
        }
        // The silence deadline rides on this write, which answers the slots: data flowing ends a silence.
        const deadline = deps.alerts.silenceDeadline(device, at);
        const slots = await deps.lastSeen.touchLastSeen(id, new Date(at).toISOString(), { deadline });
        if (slots) await deps.alerts.dataFlowing(device, slots, at);
      } catch (error) {
        deps.logger?.warn('Could not write lastSeenAt', { deviceId: id, error });
      }
    }),
  );
}

const rejected = (
  message: InboundMessage,
  deviceId: string | null,
  reason: string,
  partial = false,
): MessageOutcome => ({
  status: 'rejected',
  message,
  deviceId,
  reason,
  partial,
});

/**
 * A bug met while handling one message (code that threw where it promises
 * not to). It is retried like a transient failure; after the queue's last
 * attempt the processor keeps it as a rejected message with this reason.
 */
const fault = (message: InboundMessage, deviceId: string | null, err: unknown): MessageOutcome =>
  retry(message, deviceId, `internal error while processing it: ${describeError(err)}`, err);

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 500);
  return String(err).slice(0, 500);
}

const retry = (
  message: InboundMessage,
  deviceId: string | null,
  reason: string,
  cause?: unknown,
): MessageOutcome => ({
  status: 'retry',
  message,
  deviceId,
  reason,
  ...(cause !== undefined ? { cause } : {}),
});
