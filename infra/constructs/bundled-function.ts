import { dirname, relative } from 'node:path';
import { AssetHashType, DockerImage, Validations, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_ENTRY_FILE, LAMBDA_NODE_OPTIONS, REPO_ROOT, buildLambda } from '../bundling/lambda-build';
import { InvalidConstructPropsError, checkRetention, checkText, checkWhole } from './props';

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
 * A Lambda function bundled locally by esbuild (no Docker): arm64, Node.js 22,
 * a minified, tree-shaken ES module with the AWS SDK v3 clients inside, split
 * into the code every cold start loads and chunks loaded on first use
 * (infra/bundling/lambda-build.ts), and its own role and log group so that its
 * IAM policy holds exactly what the function is granted (no managed policies,
 * no CreateLogGroup). It is not a NodejsFunction: that construct runs the
 * esbuild CLI into a single output file, which cannot be split.
 */
export class BundledFunction extends Construct {
  readonly function: LambdaFunction;
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

    const { entry } = props;
    this.function = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      code: Code.fromAsset(dirname(entry), {
        // Hashed from the bundle, so an unchanged bundle is not uploaded again.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: {
            tryBundle(outputDir: string): boolean {
              buildLambda(entry, outputDir);
              return true;
            },
          },
          // Never pulled: local bundling above always builds (or throws esbuild's error).
          image: DockerImage.fromRegistry('local-esbuild-bundling'),
          // CDK reuses a bundle within one synthesis when the source folder and the bundling
          // options' serializable fields match; tryBundle is a function and does not count. The
          // entry must, or two functions whose entries share a folder would ship one bundle.
          environment: { YVR_LAMBDA_ENTRY: relative(REPO_ROOT, entry) },
        },
      }),
      handler: `${LAMBDA_ENTRY_FILE.replace(/\.mjs$/, '')}.handler`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: { ...props.environment, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project targets (docs/CONTRACT.md, section 4); moving to a ' +
        'newer runtime is a deliberate change made after the bundles are tested on it.',
    });
  }
}
