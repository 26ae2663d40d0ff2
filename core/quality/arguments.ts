import * as z from '../shared/zod';
import { schemaOnFirstUse } from '../shared/zod-issues';

// The shapes of the quality fields' arguments, checked by the service before the finer rules.

export const logArgs = schemaOnFirstUse(() =>
  z.object({
    deviceId: z.string(),
    sensorId: z.nullish(z.string()),
    limit: z.nullish(z.number().check(z.int())),
    nextToken: z.nullish(z.string()),
  }),
);

export const noteArgs = schemaOnFirstUse(() =>
  z.object({
    deviceId: z.string(),
    sensorId: z.nullish(z.string()),
    kind: z.string(),
    note: z.nullish(z.string()),
    references: z.nullish(z.array(z.object({ reference: z.number(), measured: z.number() }))),
  }),
);

export const recalibrateArgs = schemaOnFirstUse(() =>
  z.object({
    deviceId: z.string(),
    sensorId: z.string(),
    from: z.string(),
    to: z.string(),
    version: z.nullish(z.number().check(z.int())),
  }),
);
