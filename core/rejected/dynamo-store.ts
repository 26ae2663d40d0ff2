import type { RejectedMessage } from '../generated/graphql';
import { DynamoTable, ifConditionFails, type DynamoTableOptions } from '../shared/dynamodb-table';
import { NotFoundError } from '../shared/errors';
import { decodeToken, type Page } from '../shared/pagination';
import { GSI1, GSI2 } from '../shared/table';
import type { ListRejectedQuery, RejectedMessageStore } from './port';

export type DynamoRejectedStoreOptions = DynamoTableOptions;

const key = (id: string) => ({ pk: `REJECTED#${id}`, sk: 'META' });

/**
 * Rejected messages in the single table (core/shared/table.ts): gsi1 lists
 * all newest first, gsi2 one device's, both by `<receivedAt>#<id>`.
 */
export class DynamoRejectedStore implements RejectedMessageStore {
  private readonly table: DynamoTable;

  constructor(options: DynamoRejectedStoreOptions) {
    this.table = new DynamoTable(
      options,
      'Rejected messages are unavailable for a moment; try again shortly.',
    );
  }

  async put(message: RejectedMessage): Promise<void> {
    const sortKey = `${message.receivedAt}#${message.id}`;
    const item = {
      ...key(message.id),
      gsi1pk: 'REJECTED',
      gsi1sk: sortKey,
      ...(message.deviceId ? { gsi2pk: `REJECTED#${message.deviceId}`, gsi2sk: sortKey } : {}),
      ...message,
    };
    // Stored already (a redelivery): the first copy stands.
    await ifConditionFails(
      this.table.put(item, { ConditionExpression: 'attribute_not_exists(pk)' }),
      () => undefined,
    );
  }

  async get(id: string): Promise<RejectedMessage | undefined> {
    const Item = await this.table.get(key(id));
    return Item ? fromItem(Item) : undefined;
  }

  async list(query: ListRejectedQuery): Promise<Page<RejectedMessage>> {
    const byDevice = Boolean(query.deviceId);
    return this.table.page(
      {
        IndexName: byDevice ? GSI2 : GSI1,
        KeyConditionExpression: byDevice ? 'gsi2pk = :p' : 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': byDevice ? `REJECTED#${query.deviceId}` : 'REJECTED' },
        ScanIndexForward: false,
        Limit: query.limit,
      },
      decodeToken(query.nextToken),
      fromItem,
    );
  }

  async delete(id: string): Promise<void> {
    await this.table.delete(key(id));
  }

  async recordReplay(id: string, atIso: string, reason: string): Promise<RejectedMessage> {
    const attributes = await ifConditionFails(
      this.table.update(key(id), {
        UpdateExpression:
          'SET replayCount = if_not_exists(replayCount, :zero) + :one, lastReplayedAt = :at, reason = :reason',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':at': atIso, ':reason': reason },
        ReturnValues: 'ALL_NEW',
      }),
      () => {
        throw new NotFoundError(`No rejected message ${id}; it may have been replayed already.`);
      },
    );
    return fromItem(attributes ?? {});
  }
}

function fromItem(item: Record<string, unknown>): RejectedMessage {
  return {
    id: String(item.id),
    deviceId: typeof item.deviceId === 'string' ? item.deviceId : null,
    topic: String(item.topic),
    payload: String(item.payload),
    payloadEncoding: String(item.payloadEncoding ?? 'utf8'),
    reason: String(item.reason),
    receivedAt: String(item.receivedAt),
    replayCount: Number(item.replayCount ?? 0),
    lastReplayedAt: typeof item.lastReplayedAt === 'string' ? item.lastReplayedAt : null,
  };
}
