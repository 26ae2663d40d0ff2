/**
 * Stand-in for `@smithy/core/event-streams` in the Lambda bundles (esbuild
 * `--alias`). The SDK imports it lazily for operations that stream events
 * (none of DynamoDB, Cognito, IoT Data Plane, Timestream or AppSync calls that
 * this project makes do), yet esbuild bundles the lazy import: about 20 KB.
 * If a future call ever needs it, it fails with this message rather than
 * silently misbehaving.
 */
const unavailable = (): never => {
  throw new Error(
    'Event streams are not bundled into the Lambda functions (infra/bundling/no-event-streams.ts).',
  );
};

export class EventStreamSerde {
  constructor() {
    unavailable();
  }
}

export const eventStreamSerdeProvider = unavailable;
