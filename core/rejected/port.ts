import type { RejectedMessage } from '../generated/graphql';
import type { Page } from '../shared/pagination';

export interface ListRejectedQuery {
  /** Only this device's messages; omitted = all. */
  deviceId?: string | null;
  limit: number;
  nextToken?: string | null;
}

/** Where rejected messages are kept (DynamoDB, the project's single table, in AWS and locally). */
export interface RejectedMessageStore {
  /** Keeps a message; a message with the same id already kept is left as it is (redelivery). */
  put(message: RejectedMessage): Promise<void>;
  get(id: string): Promise<RejectedMessage | undefined>;
  /** Newest first, by device or all; never a scan. */
  list(query: ListRejectedQuery): Promise<Page<RejectedMessage>>;
  delete(id: string): Promise<void>;
  /** Counts a replay that was rejected again, with the new reason; returns the message as stored. */
  recordReplay(id: string, atIso: string, reason: string): Promise<RejectedMessage>;
}
