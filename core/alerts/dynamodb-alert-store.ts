import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../generated/graphql';
import { isConditionFailed, unavailableAs } from '../shared/aws-errors';
import { ValidationError } from '../shared/errors';
import { decodeToken, encodeToken, type Page } from '../shared/pagination';
import { GSI1, GSI2, GSI3, SILENCE_WATCH } from '../shared/table';
import type { AlertListQuery, AlertStore, SlotWrite, WatchedDevice } from './alert-store';
import {
  DEFAULT_SILENCE_AFTER_INTERVALS,
  SILENCE_RULE,
  slotAttribute,
  slotsOfItem,
  type AlertSlot,
} from './model';

/** Throttling and outages become ServiceUnavailable, in this store's words. */
const guard = unavailableAs('Alert data is unavailable for a moment; try again shortly.');

export interface DynamoAlertStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

const ALERT_LIST = 'ALERT';
const alertKey = (id: string) => ({ pk: `ALERT#${id}`, sk: 'META' });
const deviceKey = (id: string) => ({ pk: `DEVICE#${id}`, sk: 'META' });
/** A state filter reads at most this many index pages to fill one page of the answer. */
const MAX_FILTERED_READS = 5;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawItem = Record<string, any>;

/**
 * Alerts on the single table (core/shared/table.ts): one item per alert,
 * listed newest first through gsi1 (all) and gsi2 (per device); the state of
 * each rule lives on the device item (`alertSlot#<rule>`) so the processor's
 * cached device carries it, and every transition is a write conditional on it.
 */
export class DynamoAlertStore implements AlertStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoAlertStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async open(deviceId: string, rule: string, slot: AlertSlot, alert: Alert): Promise<SlotWrite<Alert>> {
    const claimed = await this.slotUpdate(deviceId, rule, {
      UpdateExpression: 'SET #slot = :slot',
      ConditionExpression:
        'attribute_exists(configVersion) AND attribute_not_exists(deletingAt) AND (attribute_not_exists(#slot) OR ' +
        '(attribute_not_exists(#slot.alertId) AND (attribute_not_exists(#slot.resolvedThrough) OR #slot.resolvedThrough < :since)))',
      ExpressionAttributeValues: { ':slot': slot, ':since': slot.openedAt ?? 0 },
    });
    if (!claimed.ok) return claimed;
    await this.putAlert(alert);
    return { ok: true, value: alert };
  }

  async recordWorse(
    alert: Pick<Alert, 'id' | 'kind'>,
    worstValue: number,
    lastValue: number,
    at: string,
  ): Promise<void> {
    try {
      await guard(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: alertKey(alert.id),
            UpdateExpression: 'SET worstValue = :w, lastValue = :l, updatedAt = :at',
            ConditionExpression: `attribute_exists(pk) AND #state <> :resolved AND (attribute_not_exists(worstValue) OR worstValue ${alert.kind === 'LOW' ? '>' : '<'} :w)`,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':w': worstValue,
              ':l': lastValue,
              ':at': at,
              ':resolved': 'RESOLVED',
            },
          }),
        ),
      );
    } catch (err) {
      // Resolved meanwhile, or another processor recorded a worse value: nothing to add.
      if (!isConditionFailed(err)) throw err;
    }
  }

  async resolve(
    deviceId: string,
    rule: string,
    alertId: string,
    resolvedThrough: number,
    lastValue: number | null,
    at: string,
  ): Promise<SlotWrite<Alert | undefined>> {
    const freed = await this.slotUpdate(deviceId, rule, {
      UpdateExpression: 'SET #slot = :slot',
      ConditionExpression: '#slot.alertId = :id',
      ExpressionAttributeValues: { ':slot': { resolvedThrough }, ':id': alertId },
    });
    if (!freed.ok) return freed;
    try {
      const { Attributes } = await guard(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: alertKey(alertId),
            UpdateExpression:
              lastValue === null
                ? 'SET #state = :resolved, resolvedAt = :at, updatedAt = :at'
                : 'SET #state = :resolved, resolvedAt = :at, updatedAt = :at, lastValue = :l',
            ConditionExpression: 'attribute_exists(pk) AND #state <> :resolved',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':resolved': 'RESOLVED',
              ':at': at,
              ...(lastValue === null ? {} : { ':l': lastValue }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return { ok: true, value: Attributes ? toAlert(Attributes) : undefined };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return { ok: true, value: await this.get(alertId) };
    }
  }

  async acknowledge(id: string, by: string, note: string | null, at: string): Promise<Alert | undefined> {
    try {
      const { Attributes } = await guard(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: alertKey(id),
            UpdateExpression:
              note === null
                ? 'SET #state = :ack, acknowledgedAt = :at, acknowledgedBy = :by, updatedAt = :at'
                : 'SET #state = :ack, acknowledgedAt = :at, acknowledgedBy = :by, updatedAt = :at, note = :note',
            ConditionExpression: '#state = :open',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':ack': 'ACKNOWLEDGED',
              ':open': 'OPEN',
              ':at': at,
              ':by': by,
              ...(note === null ? {} : { ':note': note }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return Attributes ? toAlert(Attributes) : undefined;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  async get(id: string): Promise<Alert | undefined> {
    const { Item } = await guard(
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: alertKey(id), ConsistentRead: true }),
      ),
    );
    return Item ? toAlert(Item) : undefined;
  }

  async list(query: AlertListQuery): Promise<Page<Alert>> {
    const [indexName, prefix, partition] = query.deviceId
      ? [GSI2, 'gsi2', `ALERT#${query.deviceId}`]
      : [GSI1, 'gsi1', ALERT_LIST];
    let start = decodeKey(query.nextToken, ['pk', 'sk', `${prefix}pk`, `${prefix}sk`], partition, prefix);
    const items: Alert[] = [];
    // A state filter applies after Limit, so a page is filled from a few reads rather than coming back short.
    for (let reads = 0; reads < (query.state ? MAX_FILTERED_READS : 1); reads++) {
      const { Items = [], LastEvaluatedKey } = await guard(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: indexName,
            KeyConditionExpression: `${prefix}pk = :pk`,
            ScanIndexForward: false,
            Limit: query.limit - items.length,
            ExpressionAttributeValues: {
              ':pk': partition,
              ...(query.state ? { ':state': query.state } : {}),
            },
            ...(query.state
              ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } }
              : {}),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      items.push(...Items.map(toAlert));
      start = LastEvaluatedKey as Record<string, string> | undefined;
      if (!start || items.length >= query.limit) break;
    }
    return { items, nextToken: encodeToken(start) };
  }

  async expiredWatches(nowIso: string, limit: number): Promise<WatchedDevice[]> {
    const { Items = [] } = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI3,
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :now',
          ExpressionAttributeValues: { ':pk': SILENCE_WATCH, ':now': nowIso },
          Limit: limit,
        }),
      ),
    );
    return Items.map((i: RawItem) => ({
      id: i.id,
      name: i.name,
      enabled: i.enabled !== false,
      sensorIntervalMs: i.sensorIntervalMs,
      silenceAfterIntervals: i.silenceAfterIntervals ?? DEFAULT_SILENCE_AFTER_INTERVALS,
      lastSeenAt: i.lastSeenAt ?? null,
      watchKey: i.gsi3sk,
      deadline: String(i.gsi3sk).split('#')[0]!,
      alertSlots: slotsOfItem(i),
    }));
  }

  async openSilence(device: WatchedDevice, slot: AlertSlot, alert: Alert): Promise<SlotWrite<Alert>> {
    const claimed = await this.slotUpdate(device.id, alertRuleOf(alert), {
      UpdateExpression: 'SET #slot = :slot REMOVE gsi3pk, gsi3sk',
      ConditionExpression:
        'gsi3sk = :seen AND (attribute_not_exists(#slot) OR attribute_not_exists(#slot.alertId))',
      ExpressionAttributeValues: { ':slot': slot, ':seen': device.watchKey },
    });
    if (!claimed.ok) return claimed;
    await this.putAlert(alert);
    return { ok: true, value: alert };
  }

  async dropWatch(deviceId: string, watchKey: string): Promise<void> {
    try {
      await guard(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: deviceKey(deviceId),
            UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
            ConditionExpression: 'gsi3sk = :seen',
            ExpressionAttributeValues: { ':seen': watchKey },
          }),
        ),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  async unresolvedOf(deviceId: string): Promise<Alert[]> {
    const out: Alert[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guard(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: GSI2,
            KeyConditionExpression: 'gsi2pk = :pk',
            FilterExpression: '#state <> :resolved',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':pk': `ALERT#${deviceId}`, ':resolved': 'RESOLVED' },
            ScanIndexForward: false,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      out.push(...(page.Items ?? []).map(toAlert));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async resolveOrphan(alertId: string, at: string): Promise<Alert | undefined> {
    try {
      const { Attributes } = await guard(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: alertKey(alertId),
            UpdateExpression: 'SET #state = :resolved, resolvedAt = :at, updatedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND #state <> :resolved',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':resolved': 'RESOLVED', ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return Attributes ? toAlert(Attributes) : undefined;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  async readSlot(deviceId: string, rule: string): Promise<AlertSlot | undefined> {
    const { Item } = await guard(
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: deviceKey(deviceId),
          ProjectionExpression: '#slot',
          ExpressionAttributeNames: { '#slot': slotAttribute(rule) },
          ConsistentRead: true,
        }),
      ),
    );
    return Item?.[slotAttribute(rule)] as AlertSlot | undefined;
  }

  /** An update of one rule's slot on the device item; a failed condition answers the slot as it is. */
  private async slotUpdate(
    deviceId: string,
    rule: string,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<SlotWrite> {
    try {
      await guard(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: deviceKey(deviceId),
            ...update,
            ExpressionAttributeNames: { '#slot': slotAttribute(rule) },
          }),
        ),
      );
      return { ok: true, value: undefined };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return { ok: false, current: await this.readSlot(deviceId, rule) };
    }
  }

  /** The alert item; a retry after a crash writes the same content (the id is the episode's). */
  private async putAlert(alert: Alert): Promise<void> {
    const sortKey = `${alert.openedAt}#${alert.id}`;
    await guard(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: withoutNulls({
            ...alertKey(alert.id),
            gsi1pk: ALERT_LIST,
            gsi1sk: sortKey,
            gsi2pk: `ALERT#${alert.deviceId}`,
            gsi2sk: sortKey,
            type: 'alert',
            ...alert,
          }),
        }),
      ),
    );
  }
}

/** The rule key of an alert: its sensor, or the silence rule. */
export const alertRuleOf = (alert: Pick<Alert, 'sensor'>): string => alert.sensor ?? SILENCE_RULE;

function toAlert(item: Record<string, unknown>): Alert {
  const i = item as RawItem;
  return {
    id: i.id,
    deviceId: i.deviceId,
    sensor: i.sensor ?? null,
    kind: i.kind,
    state: i.state,
    openedAt: i.openedAt,
    acknowledgedAt: i.acknowledgedAt ?? null,
    acknowledgedBy: i.acknowledgedBy ?? null,
    note: i.note ?? null,
    resolvedAt: i.resolvedAt ?? null,
    threshold: i.threshold ?? null,
    worstValue: i.worstValue ?? null,
    lastValue: i.lastValue ?? null,
    updatedAt: i.updatedAt,
  };
}

function withoutNulls<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** A token must be a key of this listing (same index partition); anything else was not issued here. */
function decodeKey(
  token: string | null | undefined,
  attributes: string[],
  partition: string,
  prefix: string,
): Record<string, string> | undefined {
  const key = decodeToken<Record<string, unknown>>(token);
  if (!key) return undefined;
  const names = Object.keys(key).sort();
  const valid =
    names.length === attributes.length &&
    [...attributes].sort().every((a, i) => a === names[i] && typeof key[a] === 'string') &&
    key[`${prefix}pk`] === partition;
  if (!valid) {
    throw new ValidationError({
      field: 'nextToken',
      message: 'is not a token of this listing; pass back nextToken unchanged with the same deviceId',
    });
  }
  return key as Record<string, string>;
}
