import * as z from 'zod';
import { emailSchema } from '../users/user-validation';
import { passwordMessage } from './password-policy';

/** The API's roles and the Cognito groups behind them. */
export const ROLE_GROUP = { ADMIN: 'admin', USER: 'user' } as const;

export const roleSchema = z.enum(['ADMIN', 'USER'], { error: 'must be ADMIN or USER' });

/** A Cognito username: the `sub` in this pool, though Cognito also takes the email alias. */
export const usernameSchema = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'must be at most 128 characters long' })
  .regex(/^[A-Za-z0-9_.@+-]+$/, {
    error: 'must be an account username (its sub), made of letters, digits and - _ . @ +',
  });

const passwordSchema = z
  .string({
    error: (iss) =>
      iss.input === null ? 'must be left out, not null, to keep the password' : 'must be a string',
  })
  .superRefine((password, ctx) => {
    const message = passwordMessage(password);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

export const addUserAccountInputSchema = z.strictObject({
  email: emailSchema,
  role: roleSchema,
  // Omitted or null: Cognito issues a temporary password and mails it.
  password: passwordSchema.nullish().transform((v) => v ?? undefined),
});

/** Only the fields to change; null is treated as "unchanged" since none of them can be cleared. */
export const updateUserAccountInputSchema = z.strictObject({
  username: usernameSchema,
  email: emailSchema.nullish().transform((v) => v ?? undefined),
  role: roleSchema.nullish().transform((v) => v ?? undefined),
  password: passwordSchema.nullish().transform((v) => v ?? undefined),
  enabled: z
    .boolean({ error: 'must be true or false' })
    .nullish()
    .transform((v) => v ?? undefined),
});

export type AddUserAccountValues = z.output<typeof addUserAccountInputSchema>;
export type UpdateUserAccountValues = z.output<typeof updateUserAccountInputSchema>;
