import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeWildcardResources, nagRef } from '../nag';
import { DEVICE_DIMENSION } from '../../core/telemetry/timestream/layout';
import {
  DEFAULT_MEMORY_STORE_RETENTION_HOURS,
  defaultMagneticStoreRetentionDays,
} from '../../core/telemetry/timestream/retention';
import { isProduction, resourceName } from '../stage';

/** The table name is part of CONTRACT.md section 4 and does not carry the stage (the database does). */
export const TELEMETRY_TABLE_NAME = 'calibrated_device_data';

export interface TelemetryProps {
  readonly stage: string;
  /**
   * Hours a record stays in the memory store: the window in which records can
   * be written cheaply and queried fast. Records older than this go to the magnetic store.
   * @default 24
   */
  readonly memoryStoreRetentionHours?: number;
  /**
   * Days a record stays in the magnetic store before Timestream deletes it.
   * @default 3650 (ten years) for production stages, 30 otherwise
   */
  readonly magneticStoreRetentionDays?: number;
  /**
   * @default RETAIN for production stages, DESTROY otherwise
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The telemetry store in AWS: Timestream for LiveAnalytics database
 * `yvr-<stage>-db` with the table `calibrated_device_data`. Magnetic-store
 * writes are on so that late readings (a buoy that was offline longer than the
 * memory window) are still accepted. LiveAnalytics closed to new AWS customers
 * on 2025-06-20; docs/DEPLOY.md says what a new account does instead.
 */
export class Telemetry extends Construct {
  readonly databaseName: string;
  readonly tableName: string;
  readonly tableArn: string;
  /** Hours records stay in the memory store; the processor needs it to know what it may still write there. */
  readonly memoryStoreRetentionHours: number;
  readonly magneticStoreRetentionDays: number;
  /**
   * Where Timestream writes the error reports of records it rejects
   * asynchronously during magnetic-store writes (a late reading that
   * WriteRecords accepted but the magnetic store then refused).
   */
  readonly rejectedDataBucket: Bucket;

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id);
    const prod = isProduction(props.stage);
    const removalPolicy = props.removalPolicy ?? (prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

    this.databaseName = resourceName(props.stage, 'db');
    this.tableName = TELEMETRY_TABLE_NAME;
    this.memoryStoreRetentionHours = props.memoryStoreRetentionHours ?? DEFAULT_MEMORY_STORE_RETENTION_HOURS;
    this.magneticStoreRetentionDays =
      props.magneticStoreRetentionDays ?? defaultMagneticStoreRetentionDays(prod);

    // Magnetic-store writes are acknowledged before they are stored; what the magnetic store then
    // refuses is reported only here, so the reports are kept (encrypted, private, TLS only) for an
    // admin to read, and expire after 90 days.
    this.rejectedDataBucket = new Bucket(this, 'MagneticRejects', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-reports',
          expiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: removalPolicy,
      autoDeleteObjects: false,
    });
    Validations.of(this.rejectedDataBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only Timestream writes here (error reports of rejected late records); an access-log bucket ' +
        'would log nothing but those writes.',
    });

    const database = new CfnDatabase(this, 'Database', { databaseName: this.databaseName });
    database.applyRemovalPolicy(removalPolicy);

    const table = new CfnTable(this, 'Table', {
      databaseName: this.databaseName,
      tableName: this.tableName,
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: String(this.memoryStoreRetentionHours),
        MagneticStoreRetentionPeriodInDays: String(this.magneticStoreRetentionDays),
      },
      // The customer-defined partition key: every query names one device, so partitioning by the
      // device dimension lets Timestream read that device's partitions only; REQUIRED refuses a record
      // without it (every record the writer builds carries it). Timestream fixes the key when the
      // table is created, so it is chosen before the first production deploy (docs/TELEMETRY.md).
      schema: {
        compositePartitionKey: [
          { type: 'DIMENSION', name: DEVICE_DIMENSION, enforcementInRecord: 'REQUIRED' },
        ],
      },
      magneticStoreWriteProperties: {
        EnableMagneticStoreWrites: true,
        MagneticStoreRejectedDataLocation: {
          S3Configuration: {
            BucketName: this.rejectedDataBucket.bucketName,
            EncryptionOption: 'SSE_S3',
            ObjectKeyPrefix: 'magnetic-store-rejects/',
          },
        },
      },
    });
    table.node.addDependency(database);
    table.node.addDependency(this.rejectedDataBucket);
    table.applyRemovalPolicy(removalPolicy);

    this.tableArn = `arn:${Aws.PARTITION}:timestream:${Aws.REGION}:${Aws.ACCOUNT_ID}:database/${this.databaseName}/table/${this.tableName}`;

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-TS3',
        reason:
          'Readings are not confidential; the AWS-managed key encrypts them at rest without the cost and ' +
          'key-policy upkeep of a customer-managed key.',
      },
      {
        id: 'CloudFormation-Validate::W3697',
        reason:
          'Timestream for LiveAnalytics is in maintenance mode (closed to new customers since 2025-06-20); ' +
          "the stations' account already uses it. docs/DEPLOY.md says what a new account does.",
      },
    );
  }

  /**
   * WriteRecords on the one table, plus the endpoint discovery every Timestream client needs, plus
   * the report bucket: Timestream writes a magnetic-store reject report with the writer's permissions.
   */
  writeStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({ actions: ['timestream:WriteRecords'], resources: [this.tableArn] }),
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetBucketAcl'],
        resources: [
          this.rejectedDataBucket.bucketArn,
          this.rejectedDataBucket.arnForObjects('magnetic-store-rejects/*'),
        ],
      }),
      describeEndpointsStatement(),
    ];
  }

  /** Acknowledges the one wildcard of writeStatements (the report objects under their prefix) on `scope`. */
  acknowledgeWriteWildcards(scope: IConstruct): void {
    acknowledgeWildcardResources(
      scope,
      [`${nagRef(this.rejectedDataBucket)}/magnetic-store-rejects/*`],
      'Timestream names each magnetic-store reject report itself, under the one prefix the table sets.',
    );
  }

  /**
   * Select on the one table, plus what the reader's `DESCRIBE` (the table's columns: which sensors
   * have reported) needs, plus endpoint discovery. Nothing on other tables.
   */
  queryStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['timestream:Select', 'timestream:DescribeTable', 'timestream:ListMeasures'],
        resources: [this.tableArn],
      }),
      describeEndpointsStatement(),
    ];
  }
}

function describeEndpointsStatement(): PolicyStatement {
  // DescribeEndpoints has no resource type: IAM accepts only "*" for it.
  return new PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] });
}
