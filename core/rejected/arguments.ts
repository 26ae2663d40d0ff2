import * as z from 'zod';

/** The shape of `rejectedMessages`' arguments, checked before the id pattern. */
export const listArgs = z.object({
  deviceId: z.string().nullish(),
  limit: z.number().int().nullish(),
  nextToken: z.string().nullish(),
});
