import { createHash } from 'node:crypto';
import type { RejectedMessage } from '../generated/graphql';
import type { InboundMessage } from '../ingestion/types';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab and line breaks make "text" unreadable in a list; keep such payloads as base64.
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** A payload as stored: UTF-8 text when it is readable text, else base64. */
export function encodePayload(bytes: Uint8Array): { payload: string; payloadEncoding: 'utf8' | 'base64' } {
  try {
    const text = utf8.decode(bytes);
    if (!hasControlCharacters(text)) return { payload: text, payloadEncoding: 'utf8' };
  } catch {
    // not UTF-8: fall through to base64
  }
  return { payload: Buffer.from(bytes).toString('base64'), payloadEncoding: 'base64' };
}

/** The original bytes of a stored payload. */
export function decodePayload(message: Pick<RejectedMessage, 'payload' | 'payloadEncoding'>): Uint8Array {
  return message.payloadEncoding === 'base64'
    ? new Uint8Array(Buffer.from(message.payload, 'base64'))
    : new TextEncoder().encode(message.payload);
}

/**
 * The id of a rejected message: a hash of topic, receive time and payload.
 * An SQS redelivery of the same message lands on the same item instead of a
 * duplicate in the admin's list.
 */
export function rejectedMessageId(message: InboundMessage): string {
  return createHash('sha256')
    .update(message.topic)
    .update('\u0000')
    .update(String(message.receivedAt))
    .update('\u0000')
    .update(message.payload)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The most of a payload a rejected message keeps. Above IoT Core's 128 KiB
 * message limit, so whatever AWS delivers is kept whole; a larger payload
 * (only a broker without that limit, such as the local one, passes it) is
 * cut, because whole it would not fit one DynamoDB item (400 KB) and could
 * then never be kept at all. Base64 of this much plus a topic of MQTT's
 * largest 64 KiB still fits.
 */
export const MAX_KEPT_PAYLOAD_BYTES = 192 * 1024;

/** The rejected message to keep for an inbound message and a reason. */
export function toRejectedMessage(
  message: InboundMessage,
  deviceId: string | null,
  reason: string,
): RejectedMessage {
  const size = message.payload.byteLength;
  const cut = size > MAX_KEPT_PAYLOAD_BYTES;
  return {
    id: rejectedMessageId(message),
    deviceId,
    topic: message.topic,
    ...encodePayload(cut ? message.payload.subarray(0, MAX_KEPT_PAYLOAD_BYTES) : message.payload),
    reason: cut
      ? `${reason} (only the first ${MAX_KEPT_PAYLOAD_BYTES} of its ${size} bytes are kept)`
      : reason,
    receivedAt: new Date(message.receivedAt).toISOString(),
    replayCount: 0,
    lastReplayedAt: null,
  };
}

/** The inbound message a stored rejected message came from, for a replay. */
export function toInboundMessage(message: RejectedMessage): InboundMessage {
  return {
    topic: message.topic,
    payload: decodePayload(message),
    receivedAt: Date.parse(message.receivedAt),
  };
}
