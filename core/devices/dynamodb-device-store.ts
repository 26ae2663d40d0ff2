import type { Device } from '../generated/graphql';
import {
  DynamoTable,
  UpdateBuilder,
  decodeKey,
  ifConditionFails,
  withoutNullsDeep,
  type DynamoTableOptions,
  type RawItem,
} from '../shared/dynamodb-table';
import { ValidationError } from '../shared/errors';
import type { Page } from '../shared/pagination';
import { GSI1, GSI2, SILENCE_WATCH } from '../shared/table';
import {
  DEFAULT_ALERT_RULE,
  DEFAULT_SILENCE_AFTER_INTERVALS,
  openAlertCount,
  slotsOfItem,
} from '../alerts/model';
import type { AlertSlots } from '../alerts/model';
import type {
  DeviceRecord,
  DeviceStore,
  DeviceWithAlerts,
  PendingChange,
  SettingsWrite,
  SilenceWatch,
} from './device-store';
import { DeviceExistsError, DeviceRetiredError, StaleDeviceError } from './errors';
import type { ConfigVersionRecord } from './model';

/** An injected document client (created once per container) and the single table's name. */
export type DynamoDeviceStoreOptions = DynamoTableOptions;

const META = 'META';
/** `type` of the marker a deleted device leaves behind (see DeviceRetiredError). */
const RETIRED = 'retiredDevice';
const DEVICE_LIST = 'DEVICE';
const UNDELIVERED = 'UNDELIVERED';
const deviceKey = (id: string) => ({ pk: `DEVICE#${id}`, sk: META });
const versionKey = (id: string, version: number) => ({
  pk: `DEVICE#${id}`,
  sk: `CONFIG#${String(version).padStart(10, '0')}`,
});
/** The key condition of a device's config versions. */
const versionsOf = (id: string) => ({
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': `DEVICE#${id}`, ':prefix': 'CONFIG#' },
});

/**
 * The device port on the single table (core/shared/table.ts has the layout).
 * Sensors and location are stored as DynamoDB lists and maps. Devices are
 * listed through gsi1 and undelivered ones through the sparse gsi2; nothing
 * here scans.
 */
export class DynamoDeviceStore implements DeviceStore {
  private readonly table: DynamoTable;

  constructor(options: DynamoDeviceStoreOptions) {
    this.table = new DynamoTable(options, 'Device data is unavailable for a moment; try again shortly.');
  }

  async get(id: string): Promise<Device | undefined> {
    const record = await this.getRecord(id);
    return record && !record.deletingAt ? record.device : undefined;
  }

  /** The device with its alert slots (one GetItem): what the processor's cache holds. */
  async getWithAlerts(id: string): Promise<DeviceWithAlerts | undefined> {
    const record = await this.getRecord(id);
    return record && !record.deletingAt ? { ...record.device, alertSlots: record.alertSlots } : undefined;
  }

  async getRecord(id: string): Promise<DeviceRecord | undefined> {
    const Item = await this.table.get(deviceKey(id));
    return Item && Item.type !== RETIRED ? toRecord(Item) : undefined;
  }

  async list(limit: number, nextToken?: string | null): Promise<Page<Device>> {
    return this.queryIndex(GSI1, 'gsi1', DEVICE_LIST, limit, nextToken, (item) => toRecord(item).device);
  }

  async listUndelivered(limit: number, nextToken?: string | null): Promise<Page<DeviceRecord>> {
    return this.queryIndex(GSI2, 'gsi2', UNDELIVERED, limit, nextToken, toRecord);
  }

  /** One page of an index partition (`<prefix>pk = partition`): one Query, never a Scan. */
  private queryIndex<T>(
    indexName: string,
    prefix: 'gsi1' | 'gsi2',
    partition: string,
    limit: number,
    nextToken: string | null | undefined,
    map: (item: RawItem) => T,
  ): Promise<Page<T>> {
    const start = decodeKey(nextToken, ['pk', 'sk', `${prefix}pk`, `${prefix}sk`]);
    return this.table.page(
      {
        IndexName: indexName,
        KeyConditionExpression: `${prefix}pk = :pk`,
        ExpressionAttributeValues: { ':pk': partition },
        Limit: limit,
      },
      start,
      map,
    );
  }

  async create(write: SettingsWrite, replacingRetiredVersion?: number): Promise<Device> {
    const item = {
      ...deviceKey(write.id),
      gsi1pk: DEVICE_LIST,
      gsi1sk: write.id,
      gsi2pk: UNDELIVERED,
      gsi2sk: write.id,
      type: 'device',
      id: write.id,
      ...settingsAttributes(write),
      createdAt: write.at,
    };
    const condition =
      replacingRetiredVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#type = :retired AND retiredVersion = :rv',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':retired': RETIRED, ':rv': replacingRetiredVersion },
          };
    await ifConditionFails(this.table.put(withoutNullsDeep(item), condition), async () => {
      // Only now is the extra read worth it: is the id taken, or a deleted device's marker?
      const existing =
        replacingRetiredVersion === undefined ? await this.table.get(deviceKey(write.id)) : undefined;
      if (existing?.type === RETIRED && typeof existing.retiredVersion === 'number') {
        throw new DeviceRetiredError(write.id, existing.retiredVersion);
      }
      throw new DeviceExistsError(write.id);
    });
    return toRecord(item).device;
  }

  async writeSettings(write: SettingsWrite, readVersion: number): Promise<Device> {
    const update = new UpdateBuilder();
    for (const [name, value] of Object.entries(settingsAttributes(write))) update.set(name, value);
    update.set('gsi2pk', UNDELIVERED).set('gsi2sk', write.id).remove('configRejectedReason');
    update.condition('configVersion = :read AND attribute_not_exists(deletingAt)', { ':read': readVersion });
    return (await this.conditionalUpdate(write.id, update, readVersion)).device;
  }

  async markDeleting(id: string, readVersion: number, at: string, by: string | null): Promise<DeviceRecord> {
    const version = readVersion + 1;
    const update = new UpdateBuilder()
      .set('deletingAt', at)
      .set('configVersion', version)
      .set('updatedAt', at)
      .set('updatedBy', by)
      .set('delivery', { status: 'UNDELIVERED', version, attemptedAt: at })
      .set('gsi2pk', UNDELIVERED)
      .set('gsi2sk', id)
      // Out of gsi1 at once: a device being deleted no longer shows in `devices`.
      .remove('gsi1pk')
      .remove('gsi1sk')
      .condition('configVersion = :read AND attribute_not_exists(deletingAt)', { ':read': readVersion });
    return this.conditionalUpdate(id, update, readVersion);
  }

  async retire(id: string, version: number, at: string): Promise<void> {
    // No index keys: the marker is invisible to `devices` and to reconciliation.
    const marker = { ...deviceKey(id), type: RETIRED, id, retiredVersion: version, retiredAt: at };
    await ifConditionFails(
      this.table.put(marker, {
        ConditionExpression: 'attribute_exists(deletingAt) AND configVersion = :v',
        ExpressionAttributeValues: { ':v': version },
      }),
      // Already retired by a concurrent pass (reconciliation and the delete itself may race).
      () => undefined,
    );
  }

  async markDelivered(id: string, version: number, at: string): Promise<Device | undefined> {
    const update = new UpdateBuilder()
      .set('delivery', { status: 'DELIVERED', version, attemptedAt: at })
      .remove('gsi2pk')
      .remove('gsi2sk')
      .remove('retiredSensorIds')
      .condition('configVersion = :v AND attribute_not_exists(deletingAt)', { ':v': version });
    return this.updateUnlessStale(id, update);
  }

  async markDeliveryFailed(
    id: string,
    version: number,
    at: string,
    error: string,
  ): Promise<Device | undefined> {
    const update = new UpdateBuilder()
      .set('delivery', { status: 'UNDELIVERED', version, attemptedAt: at, error })
      .condition('configVersion = :v', { ':v': version });
    return this.updateUnlessStale(id, update);
  }

  async recordCurrentAck(
    id: string,
    version: number,
    status: 'APPLIED' | 'REJECTED',
    reason: string | null,
  ): Promise<Device | undefined> {
    const update = new UpdateBuilder()
      .set('configStatus', status)
      .set('reportedConfigVersion', version)
      .condition('configVersion = :v AND attribute_not_exists(deletingAt)', { ':v': version });
    if (reason === null) update.remove('configRejectedReason');
    else update.set('configRejectedReason', reason);
    return this.updateUnlessStale(id, update);
  }

  async recordOlderAck(id: string, version: number): Promise<Device | undefined> {
    const update = new UpdateBuilder()
      .set('reportedConfigVersion', version)
      .condition(
        'attribute_exists(pk) AND attribute_not_exists(deletingAt) AND configVersion > :v AND ' +
          '(attribute_not_exists(reportedConfigVersion) OR reportedConfigVersion < :v)',
        { ':v': version },
      );
    return this.updateUnlessStale(id, update);
  }

  async touchLastSeen(id: string, at: string, watch?: SilenceWatch): Promise<AlertSlots | undefined> {
    const time = new Date(at);
    if (Number.isNaN(time.getTime())) {
      throw new ValidationError({ field: 'at', message: 'must be an ISO-8601 date-time' });
    }
    // One canonical form, so that the string comparison in the condition orders by time.
    at = time.toISOString();
    const update = new UpdateBuilder()
      .set('lastSeenAt', at)
      .condition(
        'attribute_exists(configVersion) AND attribute_not_exists(deletingAt) AND ' +
          '(attribute_not_exists(lastSeenAt) OR lastSeenAt < :at)',
        { ':at': at },
      );
    if (!watch) {
      await this.updateUnlessStale(id, update, 'NONE');
      return undefined;
    }
    // The silence deadline rides on the lastSeenAt write: no extra write per batch.
    if (watch.deadline) update.set('gsi3pk', SILENCE_WATCH).set('gsi3sk', `${watch.deadline}#${id}`);
    else update.remove('gsi3pk').remove('gsi3sk');
    const attributes = await ifConditionFails(this.updateDevice(id, update, 'ALL_NEW'), () => undefined);
    return attributes ? slotsOfItem(attributes) : undefined;
  }

  async putConfigVersion(record: ConfigVersionRecord): Promise<void> {
    await this.table.put(
      withoutNullsDeep({ ...versionKey(record.deviceId, record.version), type: 'configVersion', ...record }),
    );
  }

  async getConfigVersion(deviceId: string, version: number): Promise<ConfigVersionRecord | undefined> {
    const Item = await this.table.get(versionKey(deviceId, version));
    return Item ? toVersionRecord(Item) : undefined;
  }

  async listConfigVersions(
    deviceId: string,
    limit: number,
    nextToken?: string | null,
  ): Promise<Page<ConfigVersionRecord>> {
    const start = decodeKey(nextToken, ['pk', 'sk']);
    if (start && start.pk !== `DEVICE#${deviceId}`) {
      throw new ValidationError({
        field: 'nextToken',
        message: 'belongs to another device; pass back nextToken unchanged',
      });
    }
    return this.table.page(
      { ...versionsOf(deviceId), ScanIndexForward: false, Limit: limit },
      start,
      toVersionRecord,
    );
  }

  async deleteConfigVersions(deviceId: string): Promise<void> {
    for await (const items of this.table.pages({ ...versionsOf(deviceId), ProjectionExpression: 'pk, sk' })) {
      await this.table.deleteAll(items.map((item) => ({ pk: item.pk, sk: item.sk })));
    }
  }

  /** An update of the device item (`ReturnValues` as asked); a failed condition throws. */
  private updateDevice(id: string, update: UpdateBuilder, returnValues: 'ALL_NEW' | 'NONE') {
    return this.table.update(deviceKey(id), { ...update.build(), ReturnValues: returnValues });
  }

  private async conditionalUpdate(
    id: string,
    update: UpdateBuilder,
    readVersion: number,
  ): Promise<DeviceRecord> {
    const attributes = await ifConditionFails(this.updateDevice(id, update, 'ALL_NEW'), (err) => {
      throw new StaleDeviceError(id, readVersion, { cause: err });
    });
    return toRecord(attributes ?? {});
  }

  private async updateUnlessStale(
    id: string,
    update: UpdateBuilder,
    returnValues: 'ALL_NEW' | 'NONE' = 'ALL_NEW',
  ): Promise<Device | undefined> {
    const attributes = await ifConditionFails(this.updateDevice(id, update, returnValues), () => undefined);
    return attributes ? toRecord(attributes).device : undefined;
  }
}

/** The attributes a settings write sets; null ones are removed rather than stored as NULL. */
function settingsAttributes(write: SettingsWrite): Record<string, unknown> {
  return {
    name: write.settings.name,
    description: write.settings.description,
    enabled: write.settings.enabled,
    location: write.settings.location,
    sensorIntervalMs: write.settings.sensorIntervalMs,
    sensors: write.settings.sensors.map((s) => withoutNullsDeep({ ...s })),
    configVersion: write.version,
    configStatus: 'PENDING',
    delivery: { status: 'UNDELIVERED', version: write.version, attemptedAt: write.at },
    silenceAfterIntervals: write.settings.silenceAfterIntervals,
    updatedAt: write.at,
    updatedBy: write.by,
    lastChange: write.change,
    retiredSensorIds: write.retiredSensorIds.length > 0 ? write.retiredSensorIds : null,
  };
}

function toRecord(item: Record<string, unknown>): DeviceRecord {
  const i = item as RawItem;
  const delivery = i.delivery
    ? {
        status: i.delivery.status,
        version: i.delivery.version,
        attemptedAt: i.delivery.attemptedAt,
        error: i.delivery.error ?? null,
      }
    : null;
  const device: Device = {
    id: i.id,
    name: i.name,
    description: i.description ?? null,
    enabled: i.enabled,
    location: i.location ? { latitude: i.location.latitude, longitude: i.location.longitude } : null,
    sensorIntervalMs: i.sensorIntervalMs,
    sensors: (i.sensors ?? []).map((s: RawItem) => ({
      id: s.id,
      measurement: s.measurement,
      unit: s.unit ?? null,
      enabled: s.enabled,
      min: s.min ?? null,
      max: s.max ?? null,
      alertsEnabled: s.alertsEnabled,
      decimals: s.decimals,
      calibration: s.calibration
        ? { points: s.calibration.points, calibratedAt: s.calibration.calibratedAt ?? null }
        : null,
      alert: {
        afterReadings: s.alert?.afterReadings ?? DEFAULT_ALERT_RULE.afterReadings,
        deadband: s.alert?.deadband ?? DEFAULT_ALERT_RULE.deadband,
        afterMinutes: s.alert?.afterMinutes ?? null,
      },
    })),
    configVersion: i.configVersion,
    reportedConfigVersion: i.reportedConfigVersion ?? null,
    configStatus: i.configStatus,
    configRejectedReason: i.configRejectedReason ?? null,
    delivery,
    lastSeenAt: i.lastSeenAt ?? null,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    updatedBy: i.updatedBy ?? null,
    deletedAt: null,
    silenceAfterIntervals: i.silenceAfterIntervals ?? DEFAULT_SILENCE_AFTER_INTERVALS,
    openAlerts: 0,
  };
  const alertSlots = slotsOfItem(i);
  device.openAlerts = openAlertCount(alertSlots);
  return {
    device,
    lastChange: (i.lastChange as PendingChange | undefined)
      ? {
          ...i.lastChange,
          changedBy: i.lastChange.changedBy ?? null,
          diff: (i.lastChange.diff ?? []).map(toChange),
        }
      : null,
    retiredSensorIds: i.retiredSensorIds ?? [],
    deletingAt: i.deletingAt ?? null,
    alertSlots,
  };
}

function toChange(c: Record<string, unknown>) {
  return {
    path: String(c.path),
    from: (c.from as string | undefined) ?? null,
    to: (c.to as string | undefined) ?? null,
  };
}

function toVersionRecord(item: Record<string, unknown>): ConfigVersionRecord {
  const i = item as RawItem;
  return {
    deviceId: i.deviceId,
    version: i.version,
    change: i.change,
    changedBy: i.changedBy ?? null,
    changedAt: i.changedAt,
    diff: (i.diff ?? []).map(toChange),
    config: i.config,
    settings: {
      ...i.settings,
      description: i.settings?.description ?? null,
      location: i.settings?.location ?? null,
      sensors: i.settings?.sensors ?? [],
    },
  };
}
