import type { SQSRecord } from 'aws-lambda';
import * as z from '../../core/shared/zod';
import { schemaOnFirstUse } from '../../core/shared/zod-issues';
import type { InboundMessage } from '../../core/ingestion';

/**
 * The SQS body the IoT rules write:
 * `SELECT encode(*, 'base64') AS payload, topic() AS topic, timestamp() AS receivedAt`.
 * Base64 keeps any payload, binary included, intact through JSON.
 */
const envelopeSchema = schemaOnFirstUse(() =>
  z.object({
    payload: z.string(),
    topic: z.string().check(z.minLength(1)),
    receivedAt: z.union([
      z.number().check(z.int(), z.nonnegative()),
      z.pipe(z.string().check(z.regex(/^\d{1,15}$/)), z.transform(Number)),
    ]),
  }),
);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type Decoded =
  { ok: true; message: InboundMessage } | { ok: false; message: InboundMessage; reason: string };

/**
 * Decodes one SQS record into the message the pipeline takes. A body that is
 * not the rule's envelope cannot be routed; it is still returned as a message
 * (topic `sqs`, the body as payload) so it is kept as a rejected message.
 */
export function decodeSqsRecord(record: SQSRecord): Decoded {
  const sentAt = Number(record.attributes?.SentTimestamp ?? Date.now());
  const fallback = (reason: string): Decoded => ({
    ok: false,
    message: { topic: 'sqs', payload: new TextEncoder().encode(record.body), receivedAt: sentAt },
    reason: `the SQS body is not the IoT rule's envelope: ${reason}`,
  });
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    return fallback('not JSON');
  }
  const parsed = envelopeSchema().safeParse(json);
  if (!parsed.success)
    return fallback(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  if (!BASE64.test(parsed.data.payload)) return fallback('payload is not base64');
  return {
    ok: true,
    message: {
      topic: parsed.data.topic,
      payload: new Uint8Array(Buffer.from(parsed.data.payload, 'base64')),
      receivedAt: parsed.data.receivedAt,
    },
  };
}

/**
 * The SQS body the IoT rules write for `message` (the inverse of
 * decodeSqsRecord): what the local mode hands the Lambda's handler, so both
 * directions share one definition of the envelope.
 */
export function encodeSqsBody(message: InboundMessage): string {
  return JSON.stringify({
    payload: Buffer.from(message.payload).toString('base64'),
    topic: message.topic,
    receivedAt: message.receivedAt,
  });
}
