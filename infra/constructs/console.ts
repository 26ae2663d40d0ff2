import { DockerImage, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Distribution,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  BASIC_EXECUTION_ROLE_FINDING,
  acknowledgeOnStackSingleton,
  nagRef,
  wildcardResourceFindings,
} from '../nag';
import { resourceName } from '../stage';
import { StageConstruct, checkRetention, checkText } from './props';

export interface OperatorConsoleProps {
  readonly stage: string;
  /** console/: the sources, hashed when bundling is skipped and built by `build` when it is not. */
  readonly sourceDir: string;
  /**
   * Fills `outputDir` with a build of the console (vite): CDK's local bundling,
   * run at synth unless the stack is left out of `aws:cdk:bundling-stacks`.
   */
  readonly build: (outputDir: string) => void;
  /** config.json's body (console/src/lib/config.ts): the stack's outputs the console needs, tokens allowed. */
  readonly config: Record<string, string>;
  /** Retention of the deployment provider's log group. */
  readonly logRetention: RetentionDays;
}

/**
 * The operator console: its static build in a private S3 bucket, served by
 * CloudFront through origin access control (the bucket is never public), and
 * config.json written at deploy time from the stack's outputs.
 */
export class OperatorConsole extends StageConstruct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution domain>/` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OperatorConsoleProps) {
    super(scope, id, props.stage);
    checkText(this, 'sourceDir', props.sourceDir);
    checkRetention(this, 'logRetention', props.logRetention);
    // Deleting the stack empties the bucket through the deployment (retainOnDelete: false), then deletes it.
    const removalPolicy = RemovalPolicy.DESTROY;

    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: undefined,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      // The files are a build of the repository: nothing in the bucket is data that a rebuild cannot restore.
      removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the static console build, read solely by CloudFront through origin access ' +
        'control; S3 access logs would record nothing but CloudFront fetching public build files.',
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: resourceName(props.stage, 'console'),
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Operators open the console from wherever they are on duty, phones included; every API call behind ' +
          'it needs a Cognito sign-in, so a geo restriction would add no protection worth locking them out.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves only static build files; the data sits behind AppSync, which authenticates ' +
          'every request. A WAF web ACL (at least 5 USD a month plus rules) would guard nothing secret.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Access logs of static build files record nothing an operator acts on; sign-ins are in Cognito and ' +
          'API calls in the AppSync logs. A log bucket with ACLs enabled would be the only ACL bucket here.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate is used (no custom domain yet); CloudFront then allows ' +
          'TLSv1 for old clients. A custom domain with its own certificate would set TLSv1.2_2021.',
      },
    );

    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(props.sourceDir, {
          exclude: ['dist', 'node_modules'],
          bundling: {
            // Docker is the fallback CDK needs named; the local build below is what runs.
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
            local: {
              tryBundle(outputDir: string) {
                props.build(outputDir);
                return true;
              },
            },
          },
        }),
        Source.jsonData('config.json', props.config),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      retainOnDelete: false,
      memoryLimit: 512,
      logGroup: new LogGroup(this, 'DeployLogs', {
        logGroupName: `/aws/lambda/${resourceName(props.stage, 'console-deploy')}`,
        retention: props.logRetention,
        removalPolicy: this.stageRemovalPolicy,
      }),
    });
    // The provider is a stack-wide singleton that BucketDeployment creates next to the stack's root.
    const wildcardReason =
      "CDK's BucketDeployment provider copies the console asset into this bucket and invalidates this " +
      'distribution at deploy time: object wildcards on the asset bucket and this bucket, and ' +
      'cloudfront:CreateInvalidation, which CDK grants on "*".';
    acknowledgeOnStackSingleton(this, (c) => c.node.id.startsWith('Custom::CDKBucketDeployment'), [
      {
        id: 'AwsSolutions-L1',
        reason:
          "The BucketDeployment provider's runtime is chosen by aws-cdk-lib and moves with its upgrades; it " +
          'runs only at deploy time, copying files, and handles no request from outside.',
      },
      {
        id: BASIC_EXECUTION_ROLE_FINDING,
        reason:
          "CDK's BucketDeployment provider writes its own logs with the basic execution role; its role is " +
          'created by aws-cdk-lib and grants nothing beyond CloudWatch Logs.',
      },
      ...wildcardResourceFindings(
        [
          'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
          `${nagRef(this.bucket)}/*`,
          '*',
        ],
        wildcardReason,
      ),
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: wildcardReason,
      })),
    ]);
    this.url = `https://${this.distribution.distributionDomainName}/`;
  }
}
