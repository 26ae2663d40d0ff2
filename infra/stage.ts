/**
 * Stage names and the resource names derived from them. CONTRACT.md section 4:
 * every resource name begins `yvr-<stage>-`, so the stage must be a string that
 * every AWS naming rule accepts once prefixed (Lambda, SQS, Cognito, Timestream
 * and IAM names are the tightest: letters, digits, hyphens).
 */
export const DEFAULT_STAGE = 'stage';

/** Stages that hold data people depend on: retained on delete, deletion-protected. */
export const PRODUCTION_STAGES: readonly string[] = ['prod'];

const STAGE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_STAGE_LENGTH = 20;

/**
 * Validates a stage taken from CDK context; `undefined` means the default.
 * Throws with a message that says what is allowed, so a typo in
 * `--context stage=...` fails before anything is synthesized.
 */
export function parseStage(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULT_STAGE;
  if (typeof value !== 'string') {
    throw new Error(
      `Context "stage" must be a string such as "stage" or "prod"; got ${JSON.stringify(value)}.`,
    );
  }
  if (value.length > MAX_STAGE_LENGTH || !STAGE_PATTERN.test(value)) {
    throw new Error(
      `Context "stage" must be 1-${MAX_STAGE_LENGTH} lower-case letters, digits and single inner hyphens, ` +
        `starting with a letter (e.g. "stage", "prod", "dev-alice"); got "${value}".`,
    );
  }
  return value;
}

export const isProduction = (stage: string): boolean => PRODUCTION_STAGES.includes(stage);

/** `yvr-<stage>-<suffix>`: the name of a resource of this stage. */
export const resourceName = (stage: string, suffix: string): string => `yvr-${stage}-${suffix}`;

/**
 * IoT rule and AppSync data source names allow only letters, digits and
 * underscores, so they take the same prefix with underscores: `yvr_<stage>_<suffix>`.
 */
export const underscoreName = (stage: string, suffix: string): string =>
  resourceName(stage, suffix).replace(/-/g, '_');
