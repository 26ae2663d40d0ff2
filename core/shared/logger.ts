import { Logger } from '@aws-lambda-powertools/logger';

/** One Powertools logger per process; entries add their own keys (function, request id). */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'yvr-water-quality',
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO') as 'INFO',
});
