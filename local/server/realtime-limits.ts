/**
 * Limits of AppSync's real-time endpoint, applied by the local one so a
 * client that works locally works in AWS and no client can hold the server
 * (figures and sources: docs/LOCAL.md, "Limits").
 */
export const REALTIME_LIMITS = {
  /** AppSync: subscription payload (and message) size, 240 kB. Larger frames close the socket (1009). */
  maxMessageBytes: 240 * 1024,
  /** AppSync quota "Subscriptions per connection": 100. */
  maxSubscriptionsPerConnection: 100,
  /**
   * A socket that sends neither `connection_init` nor `start` in this time is
   * closed. AppSync publishes no figure; 15 s is how long Amplify waits for
   * `connection_ack`, so no real client needs longer.
   */
  connectionInitTimeoutMs: 15_000,
} as const;
