import * as z from '../shared/zod';
import { schemaOnFirstUse } from '../shared/zod-issues';

// The shapes of the telemetry fields' arguments, checked by the services before the finer rules
// (id patterns, time ranges): a hostile value is a ValidationError naming the argument.

export const readingsArgs = schemaOnFirstUse(() =>
  z.object({
    deviceId: z.string(),
    sensor: z.string(),
    from: z.string(),
    to: z.string(),
    interval: z.nullish(z.string()),
    limit: z.nullish(z.number().check(z.int())),
    nextToken: z.nullish(z.string()),
    minQuality: z.nullish(z.number().check(z.int())),
  }),
);

export const exportArgs = schemaOnFirstUse(() =>
  z.object({
    deviceId: z.string(),
    sensors: z.nullish(z.array(z.string())),
    from: z.string(),
    to: z.string(),
    format: z.nullish(z.enum(['CSV', 'NDJSON'])),
  }),
);
