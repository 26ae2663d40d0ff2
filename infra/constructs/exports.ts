import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { resourceName } from '../stage';
import { StageConstruct, checkWhole } from './props';

/** Where exportReadings puts its files inside the bucket (core/telemetry/export/service.ts makes the keys). */
export const EXPORT_PREFIX = 'exports/';

export interface ExportsProps {
  readonly stage: string;
  /**
   * Days an export file is kept before the lifecycle rule deletes it.
   * @default 1
   */
  readonly expireAfterDays?: number;
}

/**
 * The private bucket of readings exports: no public access, S3-managed
 * encryption, TLS only, and a lifecycle rule that deletes every file (and any
 * unfinished multipart upload) after a day. People download through the
 * presigned URL the API answers; the files are copies of readings, not a record.
 */
export class Exports extends StageConstruct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ExportsProps) {
    super(scope, id, props.stage);
    checkWhole(this, 'expireAfterDays', props.expireAfterDays, { min: 1, max: 3650 });
    const days = props.expireAfterDays ?? 1;
    this.bucket = new Bucket(this, 'Bucket', {
      // Bucket names are global: the account and region make this one unique.
      bucketName: `${resourceName(props.stage, 'exports')}-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-exports',
          enabled: true,
          expiration: Duration.days(days),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Nothing in it outlives a day; an empty bucket is deleted with the stack, a full one is left behind.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Export files live one day and are reached only through presigned URLs the API issues to signed-in ' +
        'users (who asked is in the API logs); a second bucket of access logs would outlive what it logs.',
    });
  }

  /** Writing export files (multipart included) and signing GETs for them, under the export prefix only. */
  writeStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects(`${EXPORT_PREFIX}*`)],
      }),
    ];
  }
}
