import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RejectedMessage } from '../generated/graphql';
import { unavailableAs } from '../shared/aws-errors';
import { NotFoundError } from '../shared/errors';
import { decodeToken, encodeToken, type Page } from '../shared/pagination';
import { GSI1, GSI2 } from '../shared/table';
import type { ListRejectedQuery, RejectedMessageStore } from './port';

/** Throttling and outages become ServiceUnavailable, in this store's words. */
const guard = unavailableAs('Rejected messages are unavailable for a moment; try again shortly.');

export interface DynamoRejectedStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

const pk = (id: string) => `REJECTED#${id}`;
const SK = 'META';

/**
 * Rejected messages in the single table (core/shared/table.ts): gsi1 lists
 * all newest first, gsi2 one device's, both by `<receivedAt>#<id>`.
 */
export class DynamoRejectedStore implements RejectedMessageStore {
  constructor(private readonly options: DynamoRejectedStoreOptions) {}

  async put(message: RejectedMessage): Promise<void> {
    const sortKey = `${message.receivedAt}#${message.id}`;
    try {
      await guard(
        this.options.client.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: {
              pk: pk(message.id),
              sk: SK,
              gsi1pk: 'REJECTED',
              gsi1sk: sortKey,
              ...(message.deviceId ? { gsi2pk: `REJECTED#${message.deviceId}`, gsi2sk: sortKey } : {}),
              ...message,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (err) {
      if (
        err instanceof ConditionalCheckFailedException ||
        (err as Error).name === 'ConditionalCheckFailedException'
      ) {
        return;
      }
      throw err;
    }
  }

  async get(id: string): Promise<RejectedMessage | undefined> {
    const { Item } = await guard(
      this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: { pk: pk(id), sk: SK } }),
      ),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(query: ListRejectedQuery): Promise<Page<RejectedMessage>> {
    const startKey = decodeToken(query.nextToken);
    const byDevice = Boolean(query.deviceId);
    const { Items, LastEvaluatedKey } = await guard(
      this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          IndexName: byDevice ? GSI2 : GSI1,
          KeyConditionExpression: byDevice ? 'gsi2pk = :p' : 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': byDevice ? `REJECTED#${query.deviceId}` : 'REJECTED' },
          ScanIndexForward: false,
          Limit: query.limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    return { items: (Items ?? []).map(fromItem), nextToken: encodeToken(LastEvaluatedKey) };
  }

  async delete(id: string): Promise<void> {
    await guard(
      this.options.client.send(
        new DeleteCommand({ TableName: this.options.tableName, Key: { pk: pk(id), sk: SK } }),
      ),
    );
  }

  async recordReplay(id: string, atIso: string, reason: string): Promise<RejectedMessage> {
    try {
      const { Attributes } = await guard(
        this.options.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: { pk: pk(id), sk: SK },
            UpdateExpression:
              'SET replayCount = if_not_exists(replayCount, :zero) + :one, lastReplayedAt = :at, reason = :reason',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':at': atIso, ':reason': reason },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return fromItem(Attributes ?? {});
    } catch (err) {
      if (
        err instanceof ConditionalCheckFailedException ||
        (err as Error).name === 'ConditionalCheckFailedException'
      ) {
        throw new NotFoundError(`No rejected message ${id}; it may have been replayed already.`);
      }
      throw err;
    }
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
