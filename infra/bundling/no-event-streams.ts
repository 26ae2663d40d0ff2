/**
 * Stand-in for `@smithy/core/event-streams` in the Lambda bundles (esbuild
 * `--alias`). The SDK imports it lazily for operations that stream events
 * (none of DynamoDB, Cognito, IoT Data Plane, Timestream, S3 or AppSync calls that
 * this project makes do), yet esbuild bundles the lazy import: about 20 KB.
 * The S3 client resolves its event-stream config when it is built (for
 * SelectObjectContent, never called here), so that resolver gets a marshaller
 * that fails only if used.
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

/** What the S3 client calls at construction: a marshaller that fails only when an event stream is used. */
export const resolveEventStreamSerdeConfig = <T extends object>(
  input: T,
): T & { eventStreamMarshaller: unknown } =>
  Object.assign(input, { eventStreamMarshaller: { serialize: unavailable, deserialize: unavailable } });
