import * as z from '../shared/zod';
import { schemaOnFirstUse } from '../shared/zod-issues';

/** The shape of `rejectedMessages`' arguments, checked before the id pattern. */
export const listArgs = schemaOnFirstUse(() =>
  z.object({
    deviceId: z.nullish(z.string()),
    limit: z.nullish(z.number().check(z.int())),
    nextToken: z.nullish(z.string()),
  }),
);
