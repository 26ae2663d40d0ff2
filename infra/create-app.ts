import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { YvrStack, type YvrStackProps } from './stack';
import { parseStage } from './stage';
import { parseAwsTelemetryStore } from '../core/telemetry/config';

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** A positive whole number from context (`--context key=24` arrives as a string). */
function optionalPositiveInt(key: string, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`Context "${key}" must be a positive whole number; got ${JSON.stringify(value)}.`);
  }
  return n;
}

export interface CreateAppOptions {
  /**
   * Register cdk-nag's AWS Solutions checks as a validation plugin: any
   * unacknowledged finding interrupts synthesis.
   * @default true
   */
  readonly nag?: boolean;
  /** @default the real entries (SOURCE_PATHS) */
  readonly sources?: YvrStackProps['sources'];
}

/**
 * Builds the app from its context: `stage` (default `stage`, validated),
 * `iotEndpoint` (skips the deploy-time lookup), `alarmEmail`, `telemetry`
 * (`timestream`, the default, or `dynamodb`), Timestream
 * `memoryStoreRetentionHours` / `magneticStoreRetentionDays`, and `account` /
 * `region` (pin the stack to an environment; otherwise it is environment-agnostic
 * and deploys wherever the credentials point).
 */
export function createApp(
  props: AppProps = {},
  options: CreateAppOptions = {},
): { app: App; stack: YvrStack } {
  const app = new App(props);
  const context = (key: string): string | undefined => optionalString(app.node.tryGetContext(key));
  const stage = parseStage(app.node.tryGetContext('stage'));
  // Environment-agnostic unless told otherwise: nothing needs a lookup, and the template (and the cdk-nag
  // acknowledgements, which quote ARNs) stays the same whatever credentials synthesize it.
  const account = context('account');
  const region = context('region');
  const iotEndpoint = context('iotEndpoint');
  const alarmEmail = context('alarmEmail');
  const memoryStoreRetentionHours = optionalPositiveInt(
    'memoryStoreRetentionHours',
    app.node.tryGetContext('memoryStoreRetentionHours'),
  );
  const magneticStoreRetentionDays = optionalPositiveInt(
    'magneticStoreRetentionDays',
    app.node.tryGetContext('magneticStoreRetentionDays'),
  );

  const telemetryStore = parseAwsTelemetryStore(app.node.tryGetContext('telemetry'), 'Context "telemetry"');

  const stack = new YvrStack(app, `yvr-${stage}`, {
    description: `YVR water-quality backend, stage ${stage}`,
    stage,
    ...(account || region ? { env: { account, region } } : {}),
    tags: { project: 'yvr-water-quality', stage },
    ...(iotEndpoint ? { iotEndpoint } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    telemetryStore,
    ...(memoryStoreRetentionHours ? { memoryStoreRetentionHours } : {}),
    ...(magneticStoreRetentionDays ? { magneticStoreRetentionDays } : {}),
    ...(options.sources ? { sources: options.sources } : {}),
  });
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return { app, stack };
}
