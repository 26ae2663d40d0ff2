import * as z from '../shared/zod';
import { MAX_JSON_DEPTH, jsonDepth, jsonTextDepth } from '../shared/store-limits';
import { DEVICE_ID_PATTERN, DEVICE_ID_RULE } from '../shared/ids';
import { orDefault, schemaOnFirstUse } from '../shared/zod-issues';

/** Limits of the profile fields, exported so tests and the dashboard can quote them. */
export const USER_LIMITS = {
  idMaxLength: 128,
  emailMaxLength: 254,
  nameMaxLength: 100,
  organizationMaxLength: 200,
  phoneMinDigits: 4,
  phoneMaxLength: 32,
  /** Bytes of the canonical JSON text; preferences are the dashboard's settings, not a document store. */
  preferencesMaxBytes: 4096,
} as const;

/** A profile id is the account's Cognito `sub` (a UUID); the pattern also admits other plain ids. */
export const userIdSchema = schemaOnFirstUse(() =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') }).check(
    z.regex(/^[A-Za-z0-9_-]+$/, { error: 'may contain only letters, digits, "-" and "_" (a Cognito sub)' }),
    z.minLength(1, { error: 'must not be empty' }),
    z.maxLength(USER_LIMITS.idMaxLength, {
      error: `must be at most ${USER_LIMITS.idMaxLength} characters long`,
    }),
  ),
);

/** An email address as Cognito and the AWSEmail scalar accept it. */
export const emailSchema = schemaOnFirstUse(() =>
  z.pipe(
    z
      .string({
        error: (iss) =>
          iss.input === undefined
            ? 'is required'
            : iss.input === null
              ? 'cannot be null: an account or profile always has an email'
              : 'must be a string',
      })
      .check(
        z.maxLength(USER_LIMITS.emailMaxLength, {
          error: `must be at most ${USER_LIMITS.emailMaxLength} characters long`,
        }),
      ),
    z.email({ error: 'must be an email address such as name@example.com' }),
  ),
);

const textSchema = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, { error: 'must not be blank; pass null to clear it' }),
      z.maxLength(max, { error: `must be at most ${max} characters long` }),
    );

const phoneSchema = schemaOnFirstUse(() =>
  z.string().check(
    z.trim(),
    z.maxLength(USER_LIMITS.phoneMaxLength, {
      error: `must be at most ${USER_LIMITS.phoneMaxLength} characters long`,
    }),
    z.regex(/^\+?[0-9 ().-]+$/, {
      error: 'must be a phone number: digits, spaces, ".", "-", "(" and ")", optionally starting with "+"',
    }),
    z.refine((v) => v.replace(/\D/g, '').length >= USER_LIMITS.phoneMinDigits, {
      error: `must have at least ${USER_LIMITS.phoneMinDigits} digits`,
    }),
  ),
);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * AWSJSON preferences: AppSync hands a Lambda the parsed value, the local
 * server may hand the text, so both are accepted. The result is the canonical
 * JSON text of an object, which is what the store keeps: the backend never
 * looks inside, and text avoids DynamoDB's limits on nested maps (depth 32,
 * 38-digit numbers) that arbitrary JSON would hit.
 */
const preferencesSchema = schemaOnFirstUse(() =>
  z.pipe(
    z.unknown(),
    z.transform((value, ctx): string => {
      let parsed: unknown = value;
      // Depth first: a value nested thousands deep would overflow the stack in JSON.stringify below.
      if ((typeof value === 'string' ? jsonTextDepth(value) : jsonDepth(value)) > MAX_JSON_DEPTH) {
        ctx.issues.push({
          code: 'custom',
          input: '(too deep to show)',
          message: `must nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep`,
        });
        return z.NEVER;
      }
      if (typeof value === 'string') {
        try {
          parsed = JSON.parse(value);
        } catch {
          ctx.issues.push({
            code: 'custom',
            input: value,
            message: 'must be valid JSON text of an object, e.g. {"theme":"dark"}',
          });
          return z.NEVER;
        }
      }
      if (!isPlainObject(parsed)) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: 'must be a JSON object, e.g. {"theme":"dark"}, not an array or a single value',
        });
        return z.NEVER;
      }
      const text = JSON.stringify(parsed);
      if (Buffer.byteLength(text, 'utf8') > USER_LIMITS.preferencesMaxBytes) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `must be at most ${USER_LIMITS.preferencesMaxBytes} bytes of JSON`,
        });
        return z.NEVER;
      }
      return text;
    }),
  ),
);

const flagSchema = schemaOnFirstUse(() => z.boolean({ error: 'must be true or false' }));

/** Stations a user follows: device ids, at most 100, no repeats. */
const followedSchema = schemaOnFirstUse(() =>
  z.pipe(
    z
      .array(
        z
          .string({ error: 'must be a device id' })
          .check(z.regex(DEVICE_ID_PATTERN, { error: `must be a device id: ${DEVICE_ID_RULE}` })),
        { error: 'must be a list of device ids' },
      )
      .check(
        z.maxLength(100, { error: 'allows at most 100 stations; follow none to receive every station' }),
      ),
    z.transform((ids: string[]) => [...new Set(ids)]),
  ),
);

/** Optional on create: absent or null both mean not set. */
const optionalOnCreate = <T extends z.ZodMiniType>(schema: T) => orDefault(schema, undefined);

export const createUserInputSchema = schemaOnFirstUse(() =>
  z.strictObject({
    id: userIdSchema(),
    email: emailSchema(),
    name: optionalOnCreate(textSchema(USER_LIMITS.nameMaxLength)),
    phone: optionalOnCreate(phoneSchema()),
    organization: optionalOnCreate(textSchema(USER_LIMITS.organizationMaxLength)),
    preferences: optionalOnCreate(preferencesSchema()),
    notifyByEmail: optionalOnCreate(flagSchema()),
    notifyBySms: optionalOnCreate(flagSchema()),
    followedDeviceIds: optionalOnCreate(followedSchema()),
  }),
);

/** On update: absent means unchanged, null means cleared (except email, which a profile always has). */
export const updateUserInputSchema = schemaOnFirstUse(() =>
  z
    .strictObject({
      id: userIdSchema(),
      email: z.optional(emailSchema()),
      name: z.optional(z.nullable(textSchema(USER_LIMITS.nameMaxLength))),
      phone: z.optional(z.nullable(phoneSchema())),
      organization: z.optional(z.nullable(textSchema(USER_LIMITS.organizationMaxLength))),
      preferences: z.optional(z.nullable(preferencesSchema())),
      // Flags and the list cannot be "cleared": false and [] say it.
      notifyByEmail: z.optional(flagSchema()),
      notifyBySms: z.optional(flagSchema()),
      followedDeviceIds: z.optional(followedSchema()),
    })
    .check(
      z.refine((input) => Object.keys(input).some((key) => key !== 'id'), {
        error:
          'names no field to change; give at least one of email, name, phone, organization, preferences, notifyByEmail, notifyBySms, followedDeviceIds',
      }),
    ),
);

export type CreateUserValues = z.output<ReturnType<typeof createUserInputSchema>>;
export type UpdateUserValues = z.output<ReturnType<typeof updateUserInputSchema>>;
