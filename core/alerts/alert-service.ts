import type { Alert, AlertState, InputMaybe, QueryAlertsArgs } from '../generated/graphql';
import type { GraphQLArgs } from '../shared/arguments';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { pageSize, type Page } from '../shared/pagination';
import { parseDeviceId } from '../devices/validation';
import type { AlertStore, WatchedDevice } from './alert-store';
import {
  DEFAULT_SILENCE_AFTER_INTERVALS,
  SILENCE_RULE,
  alertIdOf,
  type AlertSlot,
  type AlertSlots,
} from './model';
import { describeAlert, type AlertChange, type AlertPublisher, type NotificationSender } from './notifier';
import {
  breachOf,
  evaluateSensor,
  hasThresholdRule,
  newTracker,
  type RuleSensor,
  type Tracker,
} from './rules';
import { QC_FLAG } from '../quality/flags';
import { isAlertId } from '../shared/ids';

/** The parts of a device the alert rules read; the processor's cached device fits. */
export interface AlertDevice {
  id: string;
  name?: string | null;
  enabled: boolean;
  sensorIntervalMs?: number | null;
  silenceAfterIntervals?: number | null;
  sensors: readonly (RuleSensor & { unit?: string | null })[];
  /** The rules' state from the device item; the evaluator keeps it current in place (it is the cache's object). */
  alertSlots?: AlertSlots;
}

/** One calibrated reading as the evaluator takes it (a CalibratedReading fits). */
export interface AlertReading {
  sensor: string;
  value: number;
  /** QARTOD flag, when quality control ran (issue 16). */
  qcFlag?: number | null;
}

/** The stored readings of one device in one batch: records of one message each (a TelemetryRecord fits). */
export interface DeviceReadings {
  device: AlertDevice;
  records: readonly { time: number; readings: readonly AlertReading[] }[];
}

export interface AlertLogger {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface AlertServiceOptions {
  store: AlertStore;
  /** Fires onAlertChanged for the backend's changes (open, resolve). */
  publisher?: AlertPublisher;
  /** Tells the people who opted in. */
  sender?: NotificationSender;
  /**
   * Which readings the threshold rules look at. Default: every reading but one
   * that failed quality control (QARTOD flag 4), so a spike or an off-scale
   * value never opens or closes an alert.
   */
  shouldEvaluate?: (reading: AlertReading) => boolean;
  /** The station's name for a notification (acknowledgements; the processor has the device at hand). */
  deviceName?: (deviceId: string) => Promise<string | null | undefined>;
  clock?: () => number;
  logger?: AlertLogger;
  /** Devices whose pending breach counts are remembered at most (the oldest go first). */
  maxTrackedDevices?: number;
}

const ALERT_STATES: readonly AlertState[] = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'];
const MAX_NOTE = 500;
const SILENCE_PAGE = 100;
const SILENCE_ROUNDS = 10;

/** A ruled sensor on the fast path; `max` is scratch space of one batch. */
interface QuietEntry {
  /** The limits, as numbers: a value above hi or below lo is a breach (breachOf, unrolled). */
  hi: number;
  lo: number;
  tracker: Tracker;
  max: number;
}

type SignedIn =
  { kind: 'user'; username: string; groups: readonly string[] } | { kind: 'iam'; principal: string };

/**
 * Alerts: the threshold rules run on every stored batch (pure rules from
 * rules.ts, state on the cached device, a conditional write only on a
 * transition), the silence rule on a schedule through the gsi3 watch, and
 * the API's list and acknowledge. docs/ALERTS.md has the state machine.
 */
export class AlertService {
  private readonly store: AlertStore;
  private readonly clock: () => number;
  private readonly trackers = new Map<string, Map<string, Tracker>>();
  private readonly maxTracked: number;
  /** Ruled sensors per device object: prepared once per cached device, so a batch without rules costs a lookup. */
  private readonly ruled = new WeakMap<AlertDevice, Map<string, RuleSensor & { unit?: string | null }>>();
  private readonly entries = new WeakMap<AlertDevice, Map<string, QuietEntry>>();
  /** Conditional writes this service made (the benchmark counts them). */
  writes = 0;

  constructor(private readonly options: AlertServiceOptions) {
    this.store = options.store;
    this.clock = options.clock ?? Date.now;
    this.maxTracked = options.maxTrackedDevices ?? 10_000;
  }

  // ------------------------------------------------------------ the processor's side

  /**
   * Runs the threshold rules over the stored readings of one batch. Returns
   * the ids of devices whose transition could not be written: the caller
   * fails their messages for redelivery (their trackers are rolled back, so
   * the redelivered readings are evaluated again).
   */
  async evaluate(batches: readonly DeviceReadings[]): Promise<Set<string>> {
    const failed = new Set<string>();
    // The common case costs no promise: in-limit readings only move each tracker's lastAt.
    const slow: { batch: DeviceReadings; bySensor: Map<string, { time: number; value: number }[]> }[] = [];
    for (const batch of batches) {
      const bySensor = this.scan(batch);
      if (bySensor) slow.push({ batch, bySensor });
    }
    if (slow.length === 0) return failed;
    await Promise.all(
      slow.map(async ({ batch, bySensor }) => {
        try {
          await this.evaluateDevice(batch.device, bySensor);
        } catch (error) {
          failed.add(batch.device.id);
          this.options.logger?.warn('Alert state could not be written; the batch will be retried', {
            deviceId: batch.device.id,
            error,
          });
        }
      }),
    );
    return failed;
  }

  /**
   * The silence deadline to store with a device's lastSeenAt (null: not
   * watched). `receivedAt` is the newest receive time of the batch.
   */
  silenceDeadline(device: AlertDevice, receivedAt: number): string | null {
    const intervals = device.silenceAfterIntervals ?? DEFAULT_SILENCE_AFTER_INTERVALS;
    const interval = device.sensorIntervalMs ?? 0;
    if (!device.enabled || intervals <= 0 || interval <= 0) return null;
    return new Date(receivedAt + intervals * interval).toISOString();
  }

  /**
   * Called with the slots the lastSeenAt write answered: data is flowing, so
   * an open silence alert resolves (conditionally: one processor wins).
   */
  async dataFlowing(device: AlertDevice, slots: AlertSlots, receivedAt: number): Promise<void> {
    device.alertSlots = { ...slots };
    const silence = slots[SILENCE_RULE];
    if (!silence?.alertId) return;
    this.writes++;
    const result = await this.store.resolve({
      deviceId: device.id,
      rule: SILENCE_RULE,
      alertId: silence.alertId,
      resolvedThrough: receivedAt,
      lastValue: null,
      at: new Date(this.clock()).toISOString(),
    });
    if (!result.ok) {
      device.alertSlots[SILENCE_RULE] = result.current ?? {};
      return;
    }
    device.alertSlots[SILENCE_RULE] = { resolvedThrough: receivedAt };
    if (result.value) await this.tell(result.value, 'resolved', device);
  }

  /**
   * The fast path, synchronous: a ruled sensor whose readings in this batch
   * are all inside its limits, with no alert open and no breach pending,
   * only moves its tracker's lastAt (exactly what evaluateSensor would do).
   * Answers the readings of the other sensors, for evaluateSensor, or
   * undefined when there are none.
   */
  private scan({
    device,
    records,
  }: DeviceReadings): Map<string, { time: number; value: number }[]> | undefined {
    const slots = (device.alertSlots ??= {});
    const ruled = this.ruledSensors(device);
    let openSensors: Set<string> | undefined;
    for (const key in slots) {
      if (key !== SILENCE_RULE && slots[key]!.alertId) (openSensors ??= new Set()).add(key);
    }
    // No rule and nothing open: nothing to evaluate.
    if (ruled.size === 0 && !openSensors) return undefined;
    const keep = this.options.shouldEvaluate ?? notFailed;
    if (!openSensors && this.allQuiet(device, records)) return undefined;
    const trackers = this.trackersOf(device.id);
    let interesting: Set<string> | undefined;
    for (const record of records) {
      for (const r of record.readings) {
        const rule = ruled.get(r.sensor);
        if (!rule && !openSensors?.has(r.sensor)) continue;
        if (keep && !keep(r)) continue;
        if (interesting?.has(r.sensor)) continue;
        const tracker = trackers.get(r.sensor);
        if (!rule || openSensors?.has(r.sensor) || (tracker && tracker.streak > 0) || breachOf(rule, r.value))
          (interesting ??= new Set()).add(r.sensor);
      }
    }
    let bySensor: Map<string, { time: number; value: number }[]> | undefined;
    for (const record of records) {
      for (const r of record.readings) {
        if (!ruled.has(r.sensor) && !openSensors?.has(r.sensor)) continue;
        if (keep && !keep(r)) continue;
        if (interesting?.has(r.sensor)) {
          bySensor ??= new Map();
          let list = bySensor.get(r.sensor);
          if (!list) bySensor.set(r.sensor, (list = []));
          list.push({ time: record.time, value: r.value });
          continue;
        }
        let tracker = trackers.get(r.sensor);
        if (!tracker) trackers.set(r.sensor, (tracker = newTracker()));
        if (record.time > tracker.lastAt) tracker.lastAt = record.time;
      }
    }
    return bySensor;
  }

  /**
   * The common case in one pass and one Map lookup per reading: every ruled
   * reading is inside its limits and no breach is pending. Then each tracker
   * only takes the batch's newest time, and true is answered; otherwise
   * nothing is changed and scan() sorts the batch out.
   */
  private allQuiet(device: AlertDevice, records: DeviceReadings['records']): boolean {
    const entries = this.entriesOf(device);
    const keep = this.options.shouldEvaluate ?? notFailed;
    let touched: QuietEntry[] | undefined;
    for (const record of records) {
      for (const r of record.readings) {
        const e = entries.get(r.sensor);
        if (!e || (keep && !keep(r))) continue;
        const v = r.value;
        if (v > e.hi || v < e.lo || e.tracker.streak > 0) {
          if (touched) for (const t of touched) t.max = -Infinity;
          return false;
        }
        if (e.max === -Infinity) (touched ??= []).push(e);
        if (record.time > e.max) e.max = record.time;
      }
    }
    if (touched)
      for (const e of touched) {
        if (e.max > e.tracker.lastAt) e.tracker.lastAt = e.max;
        e.max = -Infinity;
      }
    return true;
  }

  /** Per cached device object: each ruled sensor's rule with its (persistent) tracker. */
  private entriesOf(device: AlertDevice): Map<string, QuietEntry> {
    let entries = this.entries.get(device);
    if (!entries) {
      const trackers = this.trackersOf(device.id);
      entries = new Map();
      for (const [id, rule] of this.ruledSensors(device)) {
        let tracker = trackers.get(id);
        if (!tracker) trackers.set(id, (tracker = newTracker()));
        entries.set(id, {
          hi: typeof rule.max === 'number' ? rule.max : Infinity,
          lo: typeof rule.min === 'number' ? rule.min : -Infinity,
          tracker,
          max: -Infinity,
        });
      }
      this.entries.set(device, entries);
    }
    return entries;
  }

  private async evaluateDevice(
    device: AlertDevice,
    bySensor: Map<string, { time: number; value: number }[]>,
  ): Promise<void> {
    const ruled = this.ruledSensors(device);
    const trackers = this.trackersOf(device.id);
    for (const [sensorId, readings] of bySensor) {
      const sensor = ruled.get(sensorId) ??
        device.sensors.find((s) => s.id === sensorId) ?? { id: sensorId, alertsEnabled: false };
      let tracker = trackers.get(sensorId);
      if (!tracker) trackers.set(sensorId, (tracker = newTracker()));
      // In place: the fast path's entries hold this very object.
      Object.assign(tracker, await this.runSensor(device, sensor, { ...tracker }, readings));
    }
  }

  /** Evaluates one sensor and writes its transitions; a lost race re-runs once on the slot as it really is. */
  private async runSensor(
    device: AlertDevice,
    sensor: RuleSensor & { unit?: string | null },
    before: Tracker,
    readings: { time: number; value: number }[],
  ): Promise<Tracker> {
    const slots = device.alertSlots!;
    for (let attempt = 0; ; attempt++) {
      const { tracker, transitions } = evaluateSensor(sensor, slots[sensor.id], before, readings);
      let lost = false;
      for (const t of transitions) {
        const current = slots[sensor.id];
        if (t.type === 'open') {
          const openedAt = new Date(t.openedAt).toISOString();
          const id = alertIdOf(device.id, t.kind, sensor.id, t.openedAt);
          const slot: AlertSlot = {
            alertId: id,
            kind: t.kind,
            openedAt: t.openedAt,
            threshold: t.threshold,
            worstValue: t.worstValue,
            ...(current?.resolvedThrough !== undefined ? { resolvedThrough: current.resolvedThrough } : {}),
          };
          const alert: Alert = {
            id,
            deviceId: device.id,
            sensor: sensor.id,
            kind: t.kind,
            state: 'OPEN',
            openedAt,
            acknowledgedAt: null,
            acknowledgedBy: null,
            note: null,
            resolvedAt: null,
            threshold: t.threshold,
            worstValue: t.worstValue,
            lastValue: t.lastValue,
            updatedAt: new Date(this.clock()).toISOString(),
          };
          this.writes++;
          const result = await this.store.open(device.id, sensor.id, slot, alert);
          if (!result.ok) {
            slots[sensor.id] = result.current ?? {};
            lost = true;
            break;
          }
          slots[sensor.id] = slot;
          await this.tell(alert, 'opened', device, sensor.unit);
        } else if (t.type === 'worse') {
          if (!current?.alertId) continue;
          this.writes++;
          await this.store.recordWorse({
            alert: { id: current.alertId, kind: current.kind ?? 'HIGH' },
            worstValue: t.worstValue,
            lastValue: t.lastValue,
            at: new Date(this.clock()).toISOString(),
          });
          slots[sensor.id] = { ...current, worstValue: t.worstValue };
        } else {
          if (!current?.alertId) continue;
          this.writes++;
          const result = await this.store.resolve({
            deviceId: device.id,
            rule: sensor.id,
            alertId: current.alertId,
            resolvedThrough: t.at,
            lastValue: t.lastValue,
            at: new Date(this.clock()).toISOString(),
          });
          if (!result.ok) {
            slots[sensor.id] = result.current ?? {};
            lost = true;
            break;
          }
          slots[sensor.id] = { resolvedThrough: t.at };
          if (result.value) await this.tell(result.value, 'resolved', device, sensor.unit);
        }
      }
      if (!lost || attempt >= 1) return tracker;
    }
  }

  private ruledSensors(device: AlertDevice): Map<string, RuleSensor & { unit?: string | null }> {
    let map = this.ruled.get(device);
    if (!map) {
      map = new Map(device.sensors.filter(hasThresholdRule).map((s) => [s.id, s]));
      this.ruled.set(device, map);
    }
    return map;
  }

  private trackersOf(deviceId: string): Map<string, Tracker> {
    let map = this.trackers.get(deviceId);
    if (!map) {
      if (this.trackers.size >= this.maxTracked) this.trackers.delete(this.trackers.keys().next().value!);
      this.trackers.set(deviceId, (map = new Map()));
    }
    return map;
  }

  /** Subscribers and people hear of a change; a failure is logged whole (the state is already saved). */
  private async tell(
    alert: Alert,
    change: AlertChange,
    device: Pick<AlertDevice, 'id' | 'name'> | undefined,
    unit?: string | null,
  ): Promise<void> {
    const jobs: Promise<unknown>[] = [];
    if (change !== 'acknowledged' && this.options.publisher)
      jobs.push(this.options.publisher.alertChanged(alert));
    if (this.options.sender) {
      const deviceName =
        device?.name ??
        (await this.options.deviceName?.(alert.deviceId).catch(() => undefined)) ??
        alert.deviceId;
      jobs.push(this.options.sender.send(describeAlert({ alert, change, deviceName, unit: unit ?? null })));
    }
    const results = await Promise.allSettled(jobs);
    for (const r of results) {
      if (r.status === 'rejected')
        this.options.logger?.error('An alert change could not be sent', {
          alertId: alert.id,
          change,
          error: r.reason as Error,
        });
    }
  }

  // ------------------------------------------------------------ the schedule

  /**
   * Opens a silence alert for every watched device whose deadline has passed
   * (one Query of gsi3, never a Scan). Each open is conditional on the watch
   * key it read, so a reading that arrived meanwhile wins.
   */
  async checkSilence(): Promise<{ checked: number; opened: number }> {
    let checked = 0;
    let opened = 0;
    const nowIso = new Date(this.clock()).toISOString();
    for (let round = 0; round < SILENCE_ROUNDS; round++) {
      const expired = await this.store.expiredWatches(nowIso, SILENCE_PAGE);
      if (expired.length === 0) break;
      for (const device of expired) {
        checked++;
        try {
          if (await this.openSilence(device)) opened++;
        } catch (error) {
          this.options.logger?.error('Silence check failed for a device', { deviceId: device.id, error });
        }
      }
      if (expired.length < SILENCE_PAGE) break;
    }
    return { checked, opened };
  }

  private async openSilence(device: WatchedDevice): Promise<boolean> {
    if (!device.enabled || device.silenceAfterIntervals <= 0 || device.alertSlots[SILENCE_RULE]?.alertId) {
      this.writes++;
      await this.store.dropWatch(device.id, device.watchKey);
      return false;
    }
    const openedAtMs = Date.parse(device.deadline);
    const id = alertIdOf(device.id, 'SILENT', null, openedAtMs);
    const threshold = (device.silenceAfterIntervals * device.sensorIntervalMs) / 1000;
    const alert: Alert = {
      id,
      deviceId: device.id,
      sensor: null,
      kind: 'SILENT',
      state: 'OPEN',
      openedAt: new Date(openedAtMs).toISOString(),
      acknowledgedAt: null,
      acknowledgedBy: null,
      note: null,
      resolvedAt: null,
      threshold,
      worstValue: null,
      lastValue: null,
      updatedAt: new Date(this.clock()).toISOString(),
    };
    this.writes++;
    const result = await this.store.openSilence(
      device,
      { alertId: id, kind: 'SILENT', openedAt: openedAtMs, threshold },
      alert,
    );
    if (!result.ok) return false;
    await this.tell(alert, 'opened', device);
    return true;
  }

  // ------------------------------------------------------------ config changes

  /**
   * After a device's config changed (or it was deleted: `device` null):
   * resolves its open alerts whose rule no longer applies (the sensor was
   * removed or disabled, its alerts or limits switched off; silence alerts
   * switched off or the device disabled), since no reading would ever close
   * them. One Query of the device's unresolved alerts (gsi2); nothing else
   * when there are none.
   */
  async configChanged(
    deviceId: string,
    device: Pick<AlertDevice, 'enabled' | 'silenceAfterIntervals' | 'sensors' | 'name'> | null,
  ): Promise<number> {
    const open = await this.store.unresolvedOf(deviceId);
    let resolved = 0;
    const now = this.clock();
    const at = new Date(now).toISOString();
    for (const alert of open) {
      if (device && this.stillApplies(alert, device)) continue;
      let closed: Alert | undefined;
      if (!device) closed = await this.store.resolveOrphan(alert.id, at);
      else {
        this.writes++;
        const result = await this.store.resolve({
          deviceId,
          rule: alert.sensor ?? SILENCE_RULE,
          alertId: alert.id,
          resolvedThrough: now,
          lastValue: null,
          at,
        });
        // A lost race: the processor resolved it first (or another episode holds the slot); it is not ours.
        closed = result.ok ? result.value : await this.store.resolveOrphan(alert.id, at);
      }
      if (!closed) continue;
      resolved++;
      await this.tell(closed, 'resolved', { id: deviceId, name: device?.name ?? null });
    }
    return resolved;
  }

  private stillApplies(
    alert: Alert,
    device: Pick<AlertDevice, 'enabled' | 'silenceAfterIntervals' | 'sensors'>,
  ): boolean {
    if (alert.kind === 'SILENT')
      return device.enabled && (device.silenceAfterIntervals ?? DEFAULT_SILENCE_AFTER_INTERVALS) > 0;
    const sensor = device.sensors.find((s) => s.id === alert.sensor);
    return device.enabled && !!sensor && sensor.enabled !== false && hasThresholdRule(sensor);
  }

  // ------------------------------------------------------------ the API's side

  /** Alerts newest first, of one device or all, optionally in one state. */
  async alerts(args: GraphQLArgs<QueryAlertsArgs>): Promise<Page<Alert>> {
    const deviceId =
      args.deviceId === null || args.deviceId === undefined
        ? undefined
        : parseDeviceId(args.deviceId, 'deviceId');
    let state: AlertState | undefined;
    if (args.state !== null && args.state !== undefined) {
      if (!ALERT_STATES.includes(args.state as AlertState))
        throw new ValidationError({ field: 'state', message: `must be one of ${ALERT_STATES.join(', ')}` });
      state = args.state as AlertState;
    }
    if (args.nextToken !== null && args.nextToken !== undefined && typeof args.nextToken !== 'string')
      throw new ValidationError({
        field: 'nextToken',
        message: 'must be the nextToken of the previous page',
      });
    const limit = args.limit === null || args.limit === undefined ? undefined : (args.limit as number);
    return this.store.list({
      ...(deviceId ? { deviceId } : {}),
      ...(state ? { state } : {}),
      limit: pageSize(limit),
      nextToken: (args.nextToken as string | null | undefined) ?? null,
    });
  }

  /** OPEN -> ACKNOWLEDGED by a signed-in person, with an optional note; anything else is a clear Conflict. */
  async acknowledge(caller: SignedIn, id: string, note?: InputMaybe<string>): Promise<Alert> {
    if (!isAlertId(id))
      throw new ValidationError({ field: 'id', message: 'must be the id of an alert, as alerts lists it' });
    let text: string | null = null;
    if (note !== null && note !== undefined) {
      if (typeof note !== 'string')
        throw new ValidationError({ field: 'note', message: 'must be text or null' });
      text = note.trim() || null;
      if (text && text.length > MAX_NOTE)
        throw new ValidationError({ field: 'note', message: `must be at most ${MAX_NOTE} characters` });
    }
    const by = caller.kind === 'user' ? caller.username : caller.principal;
    const at = new Date(this.clock()).toISOString();
    const alert = await this.store.acknowledge(id, by, text, at);
    if (!alert) {
      const existing = await this.store.get(id);
      if (!existing) throw new NotFoundError(`No alert with id "${id}"; alerts lists the alerts there are.`);
      throw new ConflictError(
        existing.state === 'RESOLVED'
          ? `Alert "${id}" is already resolved (at ${existing.resolvedAt}); there is nothing to acknowledge.`
          : `Alert "${id}" was already acknowledged by ${existing.acknowledgedBy} at ${existing.acknowledgedAt}.`,
      );
    }
    await this.tell(alert, 'acknowledged', undefined);
    return alert;
  }

  /** The alert as it is now, for notifyAlertChanged (the backend's subscription trigger). */
  async alert(id: string): Promise<Alert | null> {
    if (!isAlertId(id)) throw new ValidationError({ field: 'id', message: 'must be the id of an alert' });
    return (await this.store.get(id)) ?? null;
  }
}

/** A reading that did not fail quality control (no flag yet counts as not failed). */
const notFailed = (reading: AlertReading): boolean => reading.qcFlag !== QC_FLAG.FAIL;
