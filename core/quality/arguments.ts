import * as z from 'zod';

// The shapes of the quality fields' arguments, checked by the service before the finer rules.

export const logArgs = z.object({
  deviceId: z.string(),
  sensorId: z.string().nullish(),
  limit: z.number().int().nullish(),
  nextToken: z.string().nullish(),
});

export const noteArgs = z.object({
  deviceId: z.string(),
  sensorId: z.string().nullish(),
  kind: z.string(),
  note: z.string().nullish(),
  references: z.array(z.object({ reference: z.number(), measured: z.number() })).nullish(),
});

export const recalibrateArgs = z.object({
  deviceId: z.string(),
  sensorId: z.string(),
  from: z.string(),
  to: z.string(),
  version: z.number().int().nullish(),
});
