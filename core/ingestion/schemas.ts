import * as z from '../shared/zod';
import { schemaOnFirstUse } from '../shared/zod-issues';

/**
 * Declared shapes of the device-to-cloud payloads of CONTRACT.md section 2.
 * Firmware sends numbers as JSON numbers or as strings ("0.71"); both are
 * accepted, anything else that is not a finite number is refused.
 */

/** A decimal number written as text; deliberately not Number(): Number('') and Number(' ') are 0. */
const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A raw sensor value: a finite number, or text that is one. */
export const rawValueSchema = schemaOnFirstUse(() =>
  z.union([
    z.number({ error: 'is not a finite number' }),
    z.pipe(
      z.pipe(
        z.string().check(z.trim(), z.regex(NUMERIC_TEXT, { error: 'is not a number' })),
        z.transform(Number),
      ),
      z.number({ error: 'is not a finite number' }),
    ),
  ]),
);

/** `ts`: epoch ms (a number or digits) or an ISO-8601 date-time; optional. */
export const timestampSchema = schemaOnFirstUse(() =>
  z.union([z.number(), z.string().check(z.trim(), z.minLength(1))]),
);

/** devices/{deviceId}/readings */
export const readingsPayloadSchema = schemaOnFirstUse(() =>
  z.looseObject({
    ts: z.optional(timestampSchema()),
    seq: z.optional(
      z.union([z.number().check(z.int(), z.nonnegative()), z.string().check(z.regex(/^\d{1,15}$/))]),
    ),
    readings: z.record(z.string(), z.unknown()),
  }),
);
export type ReadingsPayload = z.infer<ReturnType<typeof readingsPayloadSchema>>;

/** {deviceId}/reading/sensor/{sensor} (legacy firmware) */
export const legacyPayloadSchema = schemaOnFirstUse(() =>
  z.looseObject({
    value: z.unknown().check(z.refine((v) => v !== undefined, { error: 'is required' })),
  }),
);

/** devices/{deviceId}/config/ack */
export const ackPayloadSchema = schemaOnFirstUse(() =>
  z.looseObject({
    version: z.union([
      z.number().check(z.int(), z.positive()),
      z.pipe(
        z.string().check(z.regex(/^[1-9]\d{0,9}$/, { error: 'must be a positive whole number' })),
        z.transform(Number),
      ),
    ]),
    status: z.enum(['applied', 'rejected']),
    reason: z.optional(z.string().check(z.maxLength(1000))),
  }),
);
export type AckPayload = z.infer<ReturnType<typeof ackPayloadSchema>>;

/** One line a person can read from a zod error: `readings: is required; ts: ...`. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}
