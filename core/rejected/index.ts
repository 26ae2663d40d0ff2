/** Rejected messages: what the pipeline could not use, kept for an admin to read and replay. */
export type { RejectedMessageStore, ListRejectedQuery } from './port';
export { DynamoRejectedStore, type DynamoRejectedStoreOptions } from './dynamo-store';
export { RejectedMessageService, type RejectedMessageServiceDeps } from './service';
export {
  toRejectedMessage,
  toInboundMessage,
  encodePayload,
  decodePayload,
  rejectedMessageId,
} from './payload';
