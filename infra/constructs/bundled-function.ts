import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { BuildOptions } from 'esbuild';
import { Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
  type BundlingOptions,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvalidConstructPropsError, checkRetention, checkText, checkWhole } from './props';

/** What `@duckdb/node-api` resolves to in the bundles (see the file). */
export const DUCKDB_STAND_IN = fileURLToPath(new URL('../bundling/duckdb-unavailable.ts', import.meta.url));
/** The SDK's default credential chain, cut to the environment provider that Lambda needs (see the file). */
export const CREDENTIALS_STAND_IN = fileURLToPath(
  new URL('../bundling/credentials-from-env.ts', import.meta.url),
);
/** The SDK's lazily loaded event-stream support, which no call here uses (see the file). */
export const EVENT_STREAMS_STAND_IN = fileURLToPath(
  new URL('../bundling/no-event-streams.ts', import.meta.url),
);

/**
 * The esbuild options of both Lambda bundles, kept in this one place:
 * BundledFunction hands them to NodejsFunction (which runs the esbuild CLI with
 * them, see {@link lambdaBundling}) and the benchmark (bench/sections/api.ts)
 * passes them to esbuild's API, so the size and load time it reports are the
 * deployed bundle's. test/unit/infra/synth.test.ts checks that both builds
 * give the same file.
 */
export const LAMBDA_ESBUILD_OPTIONS = {
  // NodejsFunction always bundles for Node; listed for the API build.
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ES module builds of the SDK and Powertools tree-shake far better than their CJS builds
  // (and the clients' CJS builds would bring the browser user-agent parser, bowser).
  mainFields: ['module', 'main'],
  // Some bundled CJS dependencies call require(); ESM has no require of its own.
  banner: {
    js: "import { createRequire as __yvrCreateRequire } from 'node:module'; const require = __yvrCreateRequire(import.meta.url);",
  },
  minify: true,
  // Off: keeping every function and class name costs the API bundle ~44 KB. What reads a class's
  // name spells it out instead: Powertools matches exception handlers by the error class's `name`,
  // so core/shared/errors.ts declares it (static and instance); the SDK's errors carry theirs and
  // its `instanceof` checks fall back to the prototype chain.
  keepNames: false,
  sourcemap: true,
  sourcesContent: false,
  treeShaking: true,
  // Licence banners of bundled packages serve no one in a Lambda's code; the packages' licences stay in node_modules.
  legalComments: 'none',
  // The SDK is bundled (not taken from the runtime): see infra/README.md for the measurements.
  external: [],
  // The local mode's DuckDB store is exported next to the Timestream one; keep its native module out.
  // The two SDK stand-ins cut the API bundle by about 145 KB and 18 ms of cold start (bench/sections/api.ts).
  alias: {
    '@duckdb/node-api': DUCKDB_STAND_IN,
    '@aws-sdk/credential-provider-node': CREDENTIALS_STAND_IN,
    '@smithy/core/event-streams': EVENT_STREAMS_STAND_IN,
  },
} as const satisfies BuildOptions;

/**
 * {@link LAMBDA_ESBUILD_OPTIONS} as NodejsFunction's bundling props: the
 * options it has a prop for go there, the rest become esbuild CLI arguments.
 */
export function lambdaBundling(): BundlingOptions {
  const options = LAMBDA_ESBUILD_OPTIONS;
  return {
    format: { esm: OutputFormat.ESM, cjs: OutputFormat.CJS }[options.format],
    mainFields: [...options.mainFields],
    banner: options.banner.js,
    minify: options.minify,
    keepNames: options.keepNames,
    sourceMap: options.sourcemap,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: options.sourcesContent,
    target: options.target,
    externalModules: [...options.external],
    esbuildArgs: {
      '--tree-shaking': String(options.treeShaking),
      '--legal-comments': options.legalComments,
      ...Object.fromEntries(Object.entries(options.alias).map(([from, to]) => [`--alias:${from}`, to])),
    },
    metafile: false,
  };
}

/**
 * The Lambdas' NODE_OPTIONS. Readable stack traces in the logs cost about
 * 25 ms of cold start (measured, infra/README.md); the benchmark loads the
 * bundles with them too.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

export interface BundledFunctionProps {
  /** Physical name, `yvr-<stage>-<purpose>`. */
  readonly functionName: string;
  /** Absolute path of the TypeScript entry; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  /** @default 1024 (more memory is more CPU: shorter cold starts and batches) */
  readonly memorySize?: number;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** @default false: see docs in infra/README.md (X-Ray) */
  readonly tracing?: boolean;
}

/**
 * A NodejsFunction bundled locally by esbuild (no Docker): arm64, Node.js 22,
 * one minified, tree-shaken ES module with the AWS SDK v3 clients inside, and
 * its own role and log group so that its IAM policy holds exactly what the
 * function is granted (no managed policies, no CreateLogGroup).
 */
export class BundledFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    for (const prop of ['functionName', 'entry', 'description'] as const) checkText(this, prop, props[prop]);
    // Lambda function names: letters, digits, hyphens and underscores, at most 64.
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.functionName)) {
      throw new InvalidConstructPropsError(
        this,
        'functionName',
        `must be 1-64 letters, digits, hyphens or underscores; got "${props.functionName}".`,
      );
    }
    checkWhole(this, 'memorySize', props.memorySize, { min: 128, max: 10240 });
    checkRetention(this, 'logRetention', props.logRetention);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: { ...props.environment, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
      bundling: lambdaBundling(),
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project targets (docs/CONTRACT.md, section 4); moving to a ' +
        'newer runtime is a deliberate change made after the bundles are tested on it.',
    });
  }
}
