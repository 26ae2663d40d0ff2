import * as z from 'zod';

// The shapes of the telemetry fields' arguments, checked by the services before the finer rules
// (id patterns, time ranges): a hostile value is a ValidationError naming the argument.

export const readingsArgs = z.object({
  deviceId: z.string(),
  sensor: z.string(),
  from: z.string(),
  to: z.string(),
  interval: z.string().nullish(),
  limit: z.number().int().nullish(),
  nextToken: z.string().nullish(),
  minQuality: z.number().int().nullish(),
});

export const exportArgs = z.object({
  deviceId: z.string(),
  sensors: z.array(z.string()).nullish(),
  from: z.string(),
  to: z.string(),
  format: z.enum(['CSV', 'NDJSON']).nullish(),
});
