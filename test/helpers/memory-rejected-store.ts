import type { RejectedMessage } from '../../core/generated/graphql';
import type { ListRejectedQuery, RejectedMessageStore } from '../../core/rejected';
import { NotFoundError } from '../../core/shared/errors';
import { decodeToken, encodeToken, type Page } from '../../core/shared/pagination';

/** The order the DynamoDB store's indexes keep: receive time, then id. */
const sortKey = (m: RejectedMessage) => `${m.receivedAt}#${m.id}`;

/**
 * A RejectedMessageStore in a Map, for unit tests; it keeps the port's
 * promises (first put wins, newest first by device or all, paged, NotFound on
 * a replay of a message it does not hold), which the shared contract checks.
 * `failPuts` makes every put throw, as a throttled table would.
 */
export class MemoryRejectedStore implements RejectedMessageStore {
  readonly items = new Map<string, RejectedMessage>();
  failPuts = false;

  async put(message: RejectedMessage): Promise<void> {
    if (this.failPuts) throw new Error('DynamoDB throttled');
    if (!this.items.has(message.id)) this.items.set(message.id, { ...message });
  }

  async get(id: string): Promise<RejectedMessage | undefined> {
    const found = this.items.get(id);
    return found ? { ...found } : undefined;
  }

  async list(query: ListRejectedQuery): Promise<Page<RejectedMessage>> {
    const before = decodeToken<{ before: string }>(query.nextToken)?.before;
    const matching = [...this.items.values()]
      .filter((m) => !query.deviceId || m.deviceId === query.deviceId)
      .filter((m) => before === undefined || sortKey(m) < before)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
    const page = matching.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((m) => ({ ...m })),
      nextToken: matching.length > query.limit && last ? encodeToken({ before: sortKey(last) }) : null,
    };
  }

  async delete(id: string): Promise<void> {
    this.items.delete(id);
  }

  async recordReplay(id: string, atIso: string, reason: string): Promise<RejectedMessage> {
    const found = this.items.get(id);
    if (!found) throw new NotFoundError(`No rejected message ${id}; it may have been replayed already.`);
    const next = { ...found, replayCount: found.replayCount + 1, lastReplayedAt: atIso, reason };
    this.items.set(id, next);
    return { ...next };
  }
}
