import { RemovalPolicy, type Duration } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import { isProduction, parseStage } from '../stage';

/**
 * A construct was given props it cannot build from. Thrown while the app is
 * built, before anything is synthesized, naming the construct and the prop,
 * so a wrong value fails `cdk synth` rather than a deployment.
 */
export class InvalidConstructPropsError extends Error {
  override readonly name = 'InvalidConstructPropsError';
  constructor(construct: IConstruct, prop: string, problem: string) {
    super(`${construct.node.path}: prop "${prop}" ${problem}`);
  }
}

/** The stage rule (infra/stage.ts) applied to a construct's `stage` prop. */
export function checkStage(construct: IConstruct, stage: unknown): void {
  if (typeof stage !== 'string' || stage === '') {
    throw new InvalidConstructPropsError(construct, 'stage', `is required; got ${JSON.stringify(stage)}.`);
  }
  try {
    parseStage(stage);
  } catch (err) {
    throw new InvalidConstructPropsError(
      construct,
      'stage',
      (err as Error).message.replace(/^Context /, 'as '),
    );
  }
}

/** A required string prop (a path, a name, an endpoint) is present and not blank. */
export function checkText(construct: IConstruct, prop: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidConstructPropsError(construct, prop, `is required; got ${JSON.stringify(value)}.`);
  }
}

/** A required object prop (a table, a topic, a function) was handed over. */
export function checkPresent(construct: IConstruct, prop: string, value: unknown): void {
  if (value === undefined || value === null) {
    throw new InvalidConstructPropsError(construct, prop, 'is required.');
  }
}

/** An optional whole number within `[min, max]`, when given. */
export function checkWhole(
  construct: IConstruct,
  prop: string,
  value: number | undefined,
  range: { min: number; max: number },
): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new InvalidConstructPropsError(
      construct,
      prop,
      `must be a whole number from ${range.min} to ${range.max}; got ${value}.`,
    );
  }
}

/** An optional duration within `[minSeconds, maxSeconds]`, when given. */
export function checkDuration(
  construct: IConstruct,
  prop: string,
  value: Duration | undefined,
  range: { minSeconds: number; maxSeconds: number },
): void {
  const seconds = value?.toSeconds();
  if (seconds !== undefined && (seconds < range.minSeconds || seconds > range.maxSeconds)) {
    const got = value!.toHumanString();
    throw new InvalidConstructPropsError(
      construct,
      prop,
      `must be from ${range.minSeconds} s to ${range.maxSeconds} s; got ${got}.`,
    );
  }
}

/**
 * A log retention: CloudWatch keeps logs 1 day to 10 years or forever
 * (RetentionDays.INFINITE); 0 days, a negative or fractional number is refused.
 */
export function checkRetention(construct: IConstruct, prop: string, days: number | undefined): void {
  checkPresent(construct, prop, days);
  if (!Number.isInteger(days) || (days as number) < 1) {
    throw new InvalidConstructPropsError(
      construct,
      prop,
      `must be a RetentionDays value (1 day or more, or INFINITE); got ${String(days)}.`,
    );
  }
}

/**
 * A construct of one stage: its `stage` prop checked against the stage rule
 * when it is built, and what follows from the stage in one place.
 */
export abstract class StageConstruct extends Construct {
  readonly stage: string;
  /** Whether the stage holds data people depend on (infra/stage.ts, PRODUCTION_STAGES). */
  protected readonly production: boolean;
  /** RETAIN on production stages (their data and logs outlive the stack), DESTROY elsewhere. */
  protected readonly stageRemovalPolicy: RemovalPolicy;

  /** `stage`: the construct's `stage` prop, checked here. */
  constructor(scope: Construct, id: string, stage: string) {
    super(scope, id);
    checkStage(this, stage);
    this.stage = stage;
    this.production = isProduction(stage);
    this.stageRemovalPolicy = this.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
  }
}
