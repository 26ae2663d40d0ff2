import * as z from '../shared/zod';

/** The shape of `rejectedMessages`' arguments, checked before the id pattern. */
export const listArgs = z.object({
  deviceId: z.nullish(z.string()),
  limit: z.nullish(z.number().check(z.int())),
  nextToken: z.nullish(z.string()),
});
