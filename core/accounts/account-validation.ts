import * as z from '../shared/zod';
import { emailSchema } from '../users/user-validation';
import { passwordMessage } from './password-policy';
import { orDefault, schemaOnFirstUse } from '../shared/zod-issues';

/** The API's roles and the Cognito groups behind them. */
export const ROLE_GROUP = { ADMIN: 'admin', USER: 'user' } as const;

export const roleSchema = schemaOnFirstUse(() =>
  z.enum(['ADMIN', 'USER'], { error: 'must be ADMIN or USER' }),
);

/** A Cognito username: the `sub` in this pool, though Cognito also takes the email alias. */
export const usernameSchema = schemaOnFirstUse(() =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') }).check(
    z.minLength(1, { error: 'must not be empty' }),
    z.maxLength(128, { error: 'must be at most 128 characters long' }),
    z.regex(/^[A-Za-z0-9_.@+-]+$/, {
      error: 'must be an account username (its sub), made of letters, digits and - _ . @ +',
    }),
  ),
);

const passwordSchema = schemaOnFirstUse(() =>
  z
    .string({
      error: (iss) =>
        iss.input === null ? 'must be left out, not null, to keep the password' : 'must be a string',
    })
    .check(
      z.superRefine((password, ctx) => {
        const message = passwordMessage(password);
        if (message) ctx.addIssue({ code: 'custom', message });
      }),
    ),
);

/** Omitted or null: not given (none of these fields can be cleared). */
const notGiven = <T extends z.ZodMiniType>(schema: T) => orDefault(schema, undefined);

export const addUserAccountInputSchema = schemaOnFirstUse(() =>
  z.strictObject({
    email: emailSchema(),
    role: roleSchema(),
    // Omitted or null: Cognito issues a temporary password and mails it.
    password: notGiven(passwordSchema()),
  }),
);

/** Only the fields to change; null is treated as "unchanged" since none of them can be cleared. */
export const updateUserAccountInputSchema = schemaOnFirstUse(() =>
  z.strictObject({
    username: usernameSchema(),
    email: notGiven(emailSchema()),
    role: notGiven(roleSchema()),
    password: notGiven(passwordSchema()),
    enabled: notGiven(z.boolean({ error: 'must be true or false' })),
  }),
);

export type AddUserAccountValues = z.output<ReturnType<typeof addUserAccountInputSchema>>;
export type UpdateUserAccountValues = z.output<ReturnType<typeof updateUserAccountInputSchema>>;
