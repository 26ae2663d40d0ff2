import type { Alert } from '../generated/graphql';
import {
  DynamoTable,
  decodeKey,
  ifConditionFails,
  nullsFor,
  withoutNulls,
  type DynamoTableOptions,
  type RawItem,
} from '../shared/dynamodb-table';
import { encodeToken, type Page } from '../shared/pagination';
import { GSI1, GSI2, GSI3, SILENCE_WATCH } from '../shared/table';
import type {
  AlertListQuery,
  AlertStore,
  SlotResolution,
  SlotWrite,
  WatchedDevice,
  WorseValue,
} from './alert-store';
import {
  DEFAULT_SILENCE_AFTER_INTERVALS,
  SILENCE_RULE,
  slotAttribute,
  slotsOfItem,
  type AlertSlot,
} from './model';

export type DynamoAlertStoreOptions = DynamoTableOptions;

const ALERT_LIST = 'ALERT';
const alertKey = (id: string) => ({ pk: `ALERT#${id}`, sk: 'META' });
const deviceKey = (id: string) => ({ pk: `DEVICE#${id}`, sk: 'META' });
/** A state filter reads at most this many index pages to fill one page of the answer. */
const MAX_FILTERED_READS = 5;
/** The alert's state is a reserved word in expressions. */
const STATE_NAME = { '#state': 'state' };

/**
 * Alerts on the single table (core/shared/table.ts): one item per alert,
 * listed newest first through gsi1 (all) and gsi2 (per device); the state of
 * each rule lives on the device item (`alertSlot#<rule>`) so the processor's
 * cached device carries it, and every transition is a write conditional on it.
 */
export class DynamoAlertStore implements AlertStore {
  private readonly table: DynamoTable;

  constructor(options: DynamoAlertStoreOptions) {
    this.table = new DynamoTable(options, 'Alert data is unavailable for a moment; try again shortly.');
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

  async recordWorse({ alert, worstValue, lastValue, at }: WorseValue): Promise<void> {
    await ifConditionFails(
      this.table.update(alertKey(alert.id), {
        UpdateExpression: 'SET worstValue = :w, lastValue = :l, updatedAt = :at',
        ConditionExpression: `attribute_exists(pk) AND #state <> :resolved AND (attribute_not_exists(worstValue) OR worstValue ${alert.kind === 'LOW' ? '>' : '<'} :w)`,
        ExpressionAttributeNames: STATE_NAME,
        ExpressionAttributeValues: { ':w': worstValue, ':l': lastValue, ':at': at, ':resolved': 'RESOLVED' },
      }),
      // Resolved meanwhile, or another processor recorded a worse value: nothing to add.
      () => undefined,
    );
  }

  async resolve(resolution: SlotResolution): Promise<SlotWrite<Alert | undefined>> {
    const { deviceId, rule, alertId, resolvedThrough, lastValue, at } = resolution;
    const freed = await this.slotUpdate(deviceId, rule, {
      UpdateExpression: 'SET #slot = :slot',
      ConditionExpression: '#slot.alertId = :id',
      ExpressionAttributeValues: { ':slot': { resolvedThrough }, ':id': alertId },
    });
    if (!freed.ok) return freed;
    // Already resolved (by a concurrent pass): the alert as it is.
    const value = await ifConditionFails(this.stateUpdate(alertId, resolving(at, lastValue)), () =>
      this.get(alertId),
    );
    return { ok: true, value };
  }

  async acknowledge(id: string, by: string, note: string | null, at: string): Promise<Alert | undefined> {
    return this.transition(id, {
      UpdateExpression:
        note === null
          ? 'SET #state = :ack, acknowledgedAt = :at, acknowledgedBy = :by, updatedAt = :at'
          : 'SET #state = :ack, acknowledgedAt = :at, acknowledgedBy = :by, updatedAt = :at, note = :note',
      ConditionExpression: '#state = :open',
      ExpressionAttributeValues: {
        ':ack': 'ACKNOWLEDGED',
        ':open': 'OPEN',
        ':at': at,
        ':by': by,
        ...(note === null ? {} : { ':note': note }),
      },
    });
  }

  async get(id: string): Promise<Alert | undefined> {
    const Item = await this.table.get(alertKey(id), { ConsistentRead: true });
    return Item ? toAlert(Item) : undefined;
  }

  async list(query: AlertListQuery): Promise<Page<Alert>> {
    const [indexName, prefix, partition] = query.deviceId
      ? [GSI2, 'gsi2', `ALERT#${query.deviceId}`]
      : [GSI1, 'gsi1', ALERT_LIST];
    let start = decodeKey(
      query.nextToken,
      ['pk', 'sk', `${prefix}pk`, `${prefix}sk`],
      (key) => key[`${prefix}pk`] === partition,
      'is not a token of this listing; pass back nextToken unchanged with the same deviceId',
    );
    const items: Alert[] = [];
    // A state filter applies after Limit, so a page is filled from a few reads rather than coming back short.
    for (let reads = 0; reads < (query.state ? MAX_FILTERED_READS : 1); reads++) {
      const page = await this.table.query({
        IndexName: indexName,
        KeyConditionExpression: `${prefix}pk = :pk`,
        ScanIndexForward: false,
        Limit: query.limit - items.length,
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(query.state ? { ':state': query.state } : {}),
        },
        ...(query.state ? { FilterExpression: '#state = :state', ExpressionAttributeNames: STATE_NAME } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      items.push(...page.items.map(toAlert));
      start = page.lastKey as Record<string, string> | undefined;
      if (!start || items.length >= query.limit) break;
    }
    return { items, nextToken: encodeToken(start) };
  }

  async expiredWatches(nowIso: string, limit: number): Promise<WatchedDevice[]> {
    const { items } = await this.table.query({
      IndexName: GSI3,
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :now',
      ExpressionAttributeValues: { ':pk': SILENCE_WATCH, ':now': nowIso },
      Limit: limit,
    });
    return items.map((i: RawItem) => ({
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
    await ifConditionFails(
      this.table.update(deviceKey(deviceId), {
        UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'gsi3sk = :seen',
        ExpressionAttributeValues: { ':seen': watchKey },
      }),
      () => undefined,
    );
  }

  async unresolvedOf(deviceId: string): Promise<Alert[]> {
    const out: Alert[] = [];
    for await (const items of this.table.pages({
      IndexName: GSI2,
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: '#state <> :resolved',
      ExpressionAttributeNames: STATE_NAME,
      ExpressionAttributeValues: { ':pk': `ALERT#${deviceId}`, ':resolved': 'RESOLVED' },
      ScanIndexForward: false,
    })) {
      out.push(...items.map(toAlert));
    }
    return out;
  }

  async resolveOrphan(alertId: string, at: string): Promise<Alert | undefined> {
    return this.transition(alertId, resolving(at, null));
  }

  async readSlot(deviceId: string, rule: string): Promise<AlertSlot | undefined> {
    const Item = await this.table.get(deviceKey(deviceId), {
      ProjectionExpression: '#slot',
      ExpressionAttributeNames: { '#slot': slotAttribute(rule) },
      ConsistentRead: true,
    });
    return Item?.[slotAttribute(rule)] as AlertSlot | undefined;
  }

  /** A state change of the alert item, conditional on its state; undefined when the condition fails. */
  private transition(id: string, update: ConditionalUpdate): Promise<Alert | undefined> {
    return ifConditionFails(this.stateUpdate(id, update), () => undefined);
  }

  /** The alert item after a conditional update of its state (a failed condition throws). */
  private async stateUpdate(id: string, update: ConditionalUpdate): Promise<Alert | undefined> {
    const attributes = await this.table.update(alertKey(id), {
      ...update,
      ExpressionAttributeNames: STATE_NAME,
      ReturnValues: 'ALL_NEW',
    });
    return attributes ? toAlert(attributes) : undefined;
  }

  /** An update of one rule's slot on the device item; a failed condition answers the slot as it is. */
  private async slotUpdate(deviceId: string, rule: string, update: ConditionalUpdate): Promise<SlotWrite> {
    return ifConditionFails(
      this.table
        .update(deviceKey(deviceId), {
          ...update,
          ExpressionAttributeNames: { '#slot': slotAttribute(rule) },
        })
        .then((): SlotWrite => ({ ok: true, value: undefined })),
      async (): Promise<SlotWrite> => ({ ok: false, current: await this.readSlot(deviceId, rule) }),
    );
  }

  /** The alert item; a retry after a crash writes the same content (the id is the episode's). */
  private async putAlert(alert: Alert): Promise<void> {
    const sortKey = `${alert.openedAt}#${alert.id}`;
    await this.table.put(
      withoutNulls({
        ...alertKey(alert.id),
        gsi1pk: ALERT_LIST,
        gsi1sk: sortKey,
        gsi2pk: `ALERT#${alert.deviceId}`,
        gsi2sk: sortKey,
        type: 'alert',
        ...alert,
      }),
    );
  }
}

/** Marks an alert RESOLVED (with its last value when known), unless it already is. */
function resolving(at: string, lastValue: number | null): ConditionalUpdate {
  return {
    UpdateExpression:
      lastValue === null
        ? 'SET #state = :resolved, resolvedAt = :at, updatedAt = :at'
        : 'SET #state = :resolved, resolvedAt = :at, updatedAt = :at, lastValue = :l',
    ConditionExpression: 'attribute_exists(pk) AND #state <> :resolved',
    ExpressionAttributeValues: {
      ':resolved': 'RESOLVED',
      ':at': at,
      ...(lastValue === null ? {} : { ':l': lastValue }),
    },
  };
}

/** A conditional update's own parts; the store adds the key and the attribute names. */
interface ConditionalUpdate {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** The rule key of an alert: its sensor, or the silence rule. */
export const alertRuleOf = (alert: Pick<Alert, 'sensor'>): string => alert.sensor ?? SILENCE_RULE;

/** The alert fields an item may lack: null in the API until the alert gets there. */
const OPTIONAL_FIELDS = [
  'sensor',
  'acknowledgedAt',
  'acknowledgedBy',
  'note',
  'resolvedAt',
  'threshold',
  'worstValue',
  'lastValue',
] as const satisfies readonly (keyof Alert)[];

function toAlert(i: RawItem): Alert {
  return {
    id: i.id,
    deviceId: i.deviceId,
    kind: i.kind,
    state: i.state,
    openedAt: i.openedAt,
    updatedAt: i.updatedAt,
    ...nullsFor(i, OPTIONAL_FIELDS),
  };
}
