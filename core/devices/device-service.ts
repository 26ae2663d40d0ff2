import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  CreateDeviceInput,
  Device,
  DeviceConfigVersion,
  InputMaybe,
  UpdateDeviceInput,
} from '../generated/graphql';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { logger as defaultLogger } from '../shared/logger';
import { pageSize, type Page } from '../shared/pagination';
import type { CalibrationLogStore } from '../quality/calibration-log';
import { calibrationChangesOf } from '../quality/calibration-changes';
import { clearMessages, configMessages, type ConfigPublisher } from './config-publisher';
import type { DeviceRecord, DeviceStore, PendingChange, SettingsWrite } from './device-store';
import { DeviceExistsError, DeviceRetiredError, StaleDeviceError } from './errors';
import { diffSettings, desiredConfigOf, settingsOf, type DeviceAck, type DeviceSettings } from './model';
import {
  parseCreateDeviceInput,
  parseDeviceId,
  parseSensorId,
  parseUpdateDeviceInput,
  parseVersion,
} from './validation';

/** The ports and settings a DeviceService runs on; clients are built by the entry, never here. */
export interface DeviceServiceOptions {
  store: DeviceStore;
  publisher: ConfigPublisher;
  clock?: () => Date;
  logger?: Logger;
  /** Internal retries of a write that lost a race, when the caller gave no expectedVersion. */
  maxWriteAttempts?: number;
  /** Where calibration changes are logged (core/quality); absent: not logged. */
  calibrationLog?: Pick<CalibrationLogStore, 'append'>;
}

/** What one reconciliation pass did. */
export interface ReconcileResult {
  /** Devices whose config was re-sent (or whose delete was finished). */
  attempted: number;
  delivered: number;
  failed: number;
}

interface ChangeOptions {
  change: string;
  by: string | null;
  expectedVersion?: number;
  /** Issue a new version even when nothing differs (a rollback is an explicit re-issue). */
  force?: boolean;
}

/** How many superseded-publish catch-ups one mutation makes before leaving the rest to reconciliation. */
const MAX_CATCH_UP = 3;
const RECONCILE_PAGE = 25;
const MAX_REASON = 500;

/**
 * The device rules: validation, config versions, optimistic locking, config
 * delivery and acknowledgements.
 *
 * A config change is a dual write (the table, then the broker) without
 * transactions, so it runs in an order where a crash between two steps loses
 * nothing that matters:
 *
 * 1. One conditional UpdateItem claims version N on the device row, and in the
 *    same write marks it UNDELIVERED (sparse gsi2) and keeps the change
 *    (who/what/diff) on the row as `lastChange`.
 * 2. The history item for N is written from that change. If we crash before
 *    it, reconciliation rewrites it from `lastChange` (same content: idempotent).
 * 3. The config is published, retained. A crash or failure here leaves the row
 *    UNDELIVERED, so reconciliation or republishDeviceConfig re-sends it.
 * 4. A write conditional on configVersion = N marks it DELIVERED (leaves gsi2).
 *    If N has been superseded meanwhile, our publish may have landed after the
 *    newer one, so the newest config is published again.
 *
 * A delete turns the row into a tombstone first (out of gsi1, into gsi2),
 * then clears retained topics and history, then replaces the tombstone with a
 * retired marker that keeps the last version, so an interrupted delete is
 * finished by the next reconciliation pass and a device created again under
 * the same id continues the version numbering.
 */
export class DeviceService {
  private readonly store: DeviceStore;
  private readonly publisher: ConfigPublisher;
  private readonly clock: () => Date;
  private readonly log: Logger;
  private readonly maxWriteAttempts: number;
  private readonly calibrationLog: DeviceServiceOptions['calibrationLog'];

  constructor(options: DeviceServiceOptions) {
    this.calibrationLog = options.calibrationLog;
    this.store = options.store;
    this.publisher = options.publisher;
    this.clock = options.clock ?? (() => new Date());
    this.log = options.logger ?? defaultLogger;
    this.maxWriteAttempts = options.maxWriteAttempts ?? 5;
  }

  /** One device, or null when there is none. */
  async device(id: string): Promise<Device | null> {
    return (await this.store.get(parseDeviceId(id))) ?? null;
  }

  /** Devices ordered by id, one Query per page. */
  async devices(limit?: InputMaybe<number>, nextToken?: InputMaybe<string>): Promise<Page<Device>> {
    return this.store.list(pageSize(asOptionalNumber(limit)), asOptionalToken(nextToken));
  }

  /** Creates a device at the next version its id has had (1 for a new id) and publishes its config. */
  async createDevice(input: CreateDeviceInput, by: string | null): Promise<Device> {
    const valid = parseCreateDeviceInput(input);
    const { id, ...settings } = valid;
    const at = this.now();
    const writeAt = (version: number): SettingsWrite => ({
      id,
      settings,
      version,
      change: {
        version,
        change: 'createDevice',
        changedBy: by,
        changedAt: at,
        diff: diffSettings(undefined, settings),
      },
      retiredSensorIds: [],
      at,
      by,
    });
    let write = writeAt(1);
    let device: Device;
    try {
      try {
        device = await this.store.create(write);
      } catch (err) {
        if (!(err instanceof DeviceRetiredError)) throw err;
        // The id belonged to a deleted device: continue its numbering (DeviceRetiredError says why).
        write = writeAt(err.retiredVersion + 1);
        device = await this.store.create(write, err.retiredVersion);
      }
    } catch (err) {
      if (err instanceof DeviceExistsError) {
        throw new ConflictError(
          `A device with id "${id}" already exists. Choose another id, or change that device with updateDevice.`,
          { cause: err },
        );
      }
      throw err;
    }
    return this.afterWrite(device, write.change, []);
  }

  /** Changes the given fields as one new version; `expectedVersion` makes a stale read a Conflict. */
  async updateDevice(input: UpdateDeviceInput, by: string | null): Promise<Device> {
    const { id, expectedVersion, ...fields } = parseUpdateDeviceInput(input);
    return this.change(
      id,
      (current) => ({
        ...current,
        ...fields,
      }),
      { change: 'updateDevice', by, ...(expectedVersion !== undefined ? { expectedVersion } : {}) },
    );
  }

  /** Removes one sensor as a new version; its legacy retained topic is cleared with the publish. */
  async deleteSensor(deviceId: string, sensorId: string, by: string | null): Promise<Device> {
    const id = parseDeviceId(deviceId, 'deviceId');
    const sensor = parseSensorId(sensorId);
    return this.change(
      id,
      (current) => {
        if (!current.sensors.some((s) => s.id === sensor)) {
          throw new NotFoundError(
            `Device "${id}" has no sensor "${sensor}". Its sensors are: ${current.sensors.map((s) => s.id).join(', ') || 'none'}.`,
          );
        }
        return { ...current, sensors: current.sensors.filter((s) => s.id !== sensor) };
      },
      { change: 'deleteSensor', by },
    );
  }

  /** Re-issues the settings that `version` had (enabled, interval, sensors) as a new version. */
  async rollbackDeviceConfig(deviceId: string, version: number, by: string | null): Promise<Device> {
    const id = parseDeviceId(deviceId, 'deviceId');
    const target = parseVersion(version);
    const old = await this.store.getConfigVersion(id, target);
    if (!old) {
      throw new NotFoundError(
        `Device "${id}" has no config version ${target}; deviceConfigHistory lists the versions it has.`,
      );
    }
    // Name, description and location are labels, not config: a rollback keeps today's.
    return this.change(
      id,
      (current) => ({
        ...current,
        enabled: old.settings.enabled,
        sensorIntervalMs: old.settings.sensorIntervalMs,
        sensors: old.settings.sensors,
        // Alert rules are config: a rollback restores the silence rule too (older versions had the default).
        silenceAfterIntervals: settingsOf(old.settings).silenceAfterIntervals,
      }),
      { change: `rollbackDeviceConfig:${target}`, by, force: true },
    );
  }

  /** Deletes a device, clears its retained config topics and its history; returns its last state with deletedAt. */
  async deleteDevice(deviceId: string, by: string | null): Promise<Device> {
    const id = parseDeviceId(deviceId);
    for (let attempt = 1; ; attempt++) {
      const record = await this.store.getRecord(id);
      if (!record || record.deletingAt) throw notFound(id);
      try {
        const tombstone = await this.store.markDeleting(id, record.device.configVersion, this.now(), by);
        const deletedAt = tombstone.deletingAt ?? this.now();
        const delivery = await this.finishDelete(tombstone);
        return { ...tombstone.device, delivery, deletedAt };
      } catch (err) {
        if (!(err instanceof StaleDeviceError) || attempt >= this.maxWriteAttempts)
          throw this.asConflict(err, id);
        await backoff(attempt);
      }
    }
  }

  /** Publishes the device's current desired config again (harmless when it was delivered). */
  async republishDeviceConfig(deviceId: string): Promise<Device> {
    const id = parseDeviceId(deviceId);
    const record = await this.store.getRecord(id);
    if (!record || record.deletingAt) throw notFound(id);
    await this.ensureHistory(record);
    return this.deliver(record.device, record.retiredSensorIds, 0);
  }

  /**
   * Re-sends every config whose publish was not confirmed, and finishes every
   * interrupted delete. Reads the sparse gsi2 index, never the whole table.
   */
  async reconcileConfigDelivery(): Promise<ReconcileResult> {
    const result: ReconcileResult = { attempted: 0, delivered: 0, failed: 0 };
    let token: string | null = null;
    do {
      const page: Page<DeviceRecord> = await this.store.listUndelivered(RECONCILE_PAGE, token);
      for (const record of page.items) {
        result.attempted++;
        try {
          if (record.deletingAt) {
            const delivery = await this.finishDelete(record);
            if (delivery.status === 'DELIVERED') result.delivered++;
            else result.failed++;
            continue;
          }
          await this.ensureHistory(record);
          const device = await this.deliver(record.device, record.retiredSensorIds, 0);
          if (device.delivery?.status === 'DELIVERED') result.delivered++;
          else result.failed++;
        } catch (err) {
          result.failed++;
          this.log.error('Reconciliation of one device failed', {
            deviceId: record.device.id,
            error: err as Error,
          });
        }
      }
      token = page.nextToken;
    } while (token);
    return result;
  }

  /** Version history, newest first. */
  async deviceConfigHistory(
    deviceId: string,
    limit?: InputMaybe<number>,
    nextToken?: InputMaybe<string>,
  ): Promise<Page<DeviceConfigVersion>> {
    const id = parseDeviceId(deviceId, 'deviceId');
    const size = pageSize(asOptionalNumber(limit));
    const token = asOptionalToken(nextToken);
    const page = await this.store.listConfigVersions(id, size, token);
    if (page.items.length === 0 && !token && !(await this.store.get(id))) throw notFound(id);
    return {
      items: page.items.map((r) => ({
        deviceId: r.deviceId,
        version: r.version,
        config: JSON.stringify(r.config),
        change: r.change,
        changedBy: r.changedBy,
        changedAt: r.changedAt,
        diff: r.diff,
      })),
      nextToken: page.nextToken,
    };
  }

  /**
   * Records a device's acknowledgement. Only an ack of the current version
   * moves configStatus; an older one can only raise reportedConfigVersion.
   */
  async recordAck(input: DeviceAck): Promise<Device> {
    const id = parseDeviceId(input.deviceId, 'deviceId');
    if (input.status !== 'applied' && input.status !== 'rejected') {
      throw new ValidationError({ field: 'status', message: 'must be "applied" or "rejected"' });
    }
    const reason =
      input.status === 'rejected'
        ? (input.reason?.trim() || 'The device gave no reason.').slice(0, MAX_REASON)
        : null;
    let device = await this.store.get(id);
    if (!device) throw notFound(id);
    if (!Number.isInteger(input.version) || input.version < 1 || input.version > device.configVersion) {
      throw new ValidationError({
        field: 'version',
        message: `${String(input.version)} was never issued to device "${id}"; its versions run from 1 to ${device.configVersion}`,
      });
    }
    const status = input.status === 'applied' ? 'APPLIED' : 'REJECTED';
    for (let attempt = 1; attempt <= this.maxWriteAttempts; attempt++) {
      if (input.version === device.configVersion) {
        const updated = await this.store.recordCurrentAck(id, input.version, status, reason);
        if (updated) return updated;
      } else {
        return (await this.store.recordOlderAck(id, input.version)) ?? device;
      }
      // A newer version was issued (or the device deleted) between our read and write: read again.
      const fresh = await this.store.get(id);
      if (!fresh) throw notFound(id);
      device = fresh;
    }
    return device;
  }

  /** The device read fresh, for the backend's notifyDeviceConfigChanged. */
  async notifyDeviceConfigChanged(deviceId: string): Promise<Device | null> {
    return (await this.store.get(parseDeviceId(deviceId))) ?? null;
  }

  /**
   * Read, apply `mutate`, write conditionally on the version read. With an
   * expectedVersion a lost race is the caller's Conflict; without one the
   * change is re-applied to the fresh row a few times.
   */
  private async change(
    id: string,
    mutate: (current: DeviceSettings) => DeviceSettings,
    options: ChangeOptions,
  ): Promise<Device> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.store.getRecord(id);
      if (!record || record.deletingAt) throw notFound(id);
      const current = record.device;
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.configVersion) {
        throw staleVersion(id, options.expectedVersion, current.configVersion);
      }
      const before = settingsOf(current);
      const after = settingsOf(mutate(before));
      const diff = diffSettings(before, after);
      if (diff.length === 0 && !options.force) return current;

      const version = current.configVersion + 1;
      const at = this.now();
      const keep = new Set(after.sensors.map((s) => s.id));
      const retired = [...new Set([...record.retiredSensorIds, ...before.sensors.map((s) => s.id)])].filter(
        (s) => !keep.has(s),
      );
      const change: PendingChange = {
        version,
        change: options.change,
        changedBy: options.by,
        changedAt: at,
        diff,
      };
      const write: SettingsWrite = {
        id,
        settings: after,
        version,
        change,
        retiredSensorIds: retired,
        at,
        by: options.by,
      };
      try {
        const device = await this.store.writeSettings(write, current.configVersion);
        return await this.afterWrite(device, change, retired);
      } catch (err) {
        if (!(err instanceof StaleDeviceError)) throw err;
        if (options.expectedVersion !== undefined) {
          const fresh = await this.store.get(id);
          if (!fresh) throw notFound(id);
          throw staleVersion(id, options.expectedVersion, fresh.configVersion);
        }
        if (attempt >= this.maxWriteAttempts) throw this.asConflict(err, id);
        await backoff(attempt);
      }
    }
  }

  private async afterWrite(device: Device, change: PendingChange, retired: string[]): Promise<Device> {
    await this.store.putConfigVersion(historyOf(device, change));
    await this.logCalibrationChanges(device.id, change);
    return this.deliver(device, retired, 0);
  }

  /**
   * Each sensor whose calibration changed gets a calibration log entry. The
   * version is already claimed, so a failure here is logged rather than
   * failing a change that has happened.
   */
  private async logCalibrationChanges(deviceId: string, change: PendingChange): Promise<void> {
    if (!this.calibrationLog) return;
    for (const entry of calibrationChangesOf(deviceId, change)) {
      try {
        await this.calibrationLog.append(entry);
      } catch (err) {
        this.log.error('Could not write a calibration log entry', { deviceId, entry, error: err as Error });
      }
    }
  }

  /** Rewrites the history item of the current version from the row, in case a crash came before step 2. */
  private async ensureHistory(record: DeviceRecord): Promise<void> {
    if (record.lastChange && record.lastChange.version === record.device.configVersion) {
      await this.store.putConfigVersion(historyOf(record.device, record.lastChange));
    }
  }

  /** Steps 3 and 4 of a change; never throws for a failed publish (the row stays UNDELIVERED). */
  private async deliver(device: Device, retired: readonly string[], catchUps: number): Promise<Device> {
    const at = this.now();
    try {
      await this.publisher.publish(configMessages(device, retired));
    } catch (err) {
      const error = describePublishError(err);
      this.log.warn('Config publish failed; the device stays UNDELIVERED until a re-send', {
        deviceId: device.id,
        version: device.configVersion,
        error: err as Error,
      });
      const failed = await this.store.markDeliveryFailed(device.id, device.configVersion, at, error);
      return (
        failed ?? {
          ...device,
          delivery: { status: 'UNDELIVERED', version: device.configVersion, attemptedAt: at, error },
        }
      );
    }
    const delivered = await this.store.markDelivered(device.id, device.configVersion, at);
    if (delivered) return delivered;
    // Superseded while publishing: our older config may have landed after the newer one (or after the
    // delete cleared the topics), so the newest state is published again.
    if (catchUps >= MAX_CATCH_UP) return device;
    const fresh = await this.store.getRecord(device.id);
    if (!fresh) {
      await this.publisher
        .publish(clearMessages(device.id, [...device.sensors.map((s) => s.id), ...retired]))
        .catch((err: unknown) =>
          this.log.warn('Re-clearing a deleted device after a late publish failed', {
            deviceId: device.id,
            error: err as Error,
          }),
        );
    } else if (fresh.deletingAt) {
      await this.finishDelete(fresh);
    } else if (fresh.device.configVersion > device.configVersion) {
      await this.deliver(fresh.device, fresh.retiredSensorIds, catchUps + 1);
    }
    return device;
  }

  /**
   * Clears retained topics, deletes history, then turns the tombstone into a
   * retired marker; a failed publish leaves the tombstone for reconciliation.
   */
  private async finishDelete(tombstone: DeviceRecord): Promise<NonNullable<Device['delivery']>> {
    const { device } = tombstone;
    const at = this.now();
    const sensors = [...device.sensors.map((s) => s.id), ...tombstone.retiredSensorIds];
    try {
      await this.publisher.publish(clearMessages(device.id, sensors));
    } catch (err) {
      const error = describePublishError(err);
      this.log.warn('Clearing retained config of a deleted device failed; reconciliation retries', {
        deviceId: device.id,
        error: err as Error,
      });
      await this.store.markDeliveryFailed(device.id, device.configVersion, at, error);
      return { status: 'UNDELIVERED', version: device.configVersion, attemptedAt: at, error };
    }
    await this.store.deleteConfigVersions(device.id);
    await this.store.retire(device.id, device.configVersion, at);
    return { status: 'DELIVERED', version: device.configVersion, attemptedAt: at, error: null };
  }

  private asConflict(err: unknown, id: string): unknown {
    if (err instanceof StaleDeviceError) {
      return new ConflictError(
        `Device "${id}" is being changed by others right now and your change could not be applied; try again.`,
        { cause: err },
      );
    }
    return err;
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

function historyOf(device: Device, change: PendingChange) {
  return {
    deviceId: device.id,
    version: change.version,
    change: change.change,
    changedBy: change.changedBy,
    changedAt: change.changedAt,
    diff: change.diff,
    config: desiredConfigOf(device),
    settings: settingsOf(device),
  };
}

const notFound = (id: string) =>
  new NotFoundError(`There is no device "${id}". Check the id, or list devices to find it.`);

const staleVersion = (id: string, expected: number, actual: number) =>
  new ConflictError(
    `Device "${id}" is at configVersion ${actual}, not ${expected}: it changed since you read it. ` +
      `Read it again, reapply your change, and send expectedVersion ${actual}.`,
  );

/** What an admin sees in delivery.error: the failure, without a stack. */
function describePublishError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `Publishing the config failed: ${message}`.slice(0, MAX_REASON);
}

const asOptionalNumber = (value: unknown): number | null | undefined => {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number')
    throw new ValidationError({ field: 'limit', message: 'must be a whole number' });
  return value;
};

const asOptionalToken = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new ValidationError({
      field: 'nextToken',
      message: 'must be the nextToken string from a previous page',
    });
  }
  return value;
};

// Spreads competing retries apart; the jitter is what matters, not the exact delay.
const backoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 10 * attempt)));
