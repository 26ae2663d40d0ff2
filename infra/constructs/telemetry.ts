import type { RemovalPolicy } from 'aws-cdk-lib';
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import type { Construct } from 'constructs';
import { type IConstruct } from 'constructs';
import { acknowledgeWildcardResources, nagRef } from '../nag';
import { DEVICE_DIMENSION } from '../../core/telemetry/timestream/layout';
import {
  DEFAULT_MEMORY_STORE_RETENTION_HOURS,
  defaultMagneticStoreRetentionDays,
} from '../../core/telemetry/timestream/retention';
import {
  DEFAULT_BACKFILL_DAYS,
  TELEMETRY_TABLE_KEYS,
  TELEMETRY_TTL_ATTRIBUTE,
  telemetryTableNameFor,
} from '../../core/telemetry/dynamodb/layout';
import { TELEMETRY_ENV, type AwsTelemetryStoreKind } from '../../core/telemetry/config';
import { resourceName } from '../stage';
import { StageConstruct, checkWhole } from './props';

/** The table name is part of CONTRACT.md section 4 and does not carry the stage (the database does). */
export const TELEMETRY_TABLE_NAME = 'calibrated_device_data';

export interface TelemetryProps {
  readonly stage: string;
  /**
   * Which store holds the readings (context `telemetry`). `dynamodb` creates no
   * Timestream resource at all: an account that never used Timestream for
   * LiveAnalytics cannot create one since 2025-06-20.
   * @default 'timestream'
   */
  readonly store?: AwsTelemetryStoreKind;
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
 * on 2025-06-20; a new account deploys with `--context telemetry=dynamodb`:
 * then this is the DynamoDB telemetry table `yvr-<stage>-telemetry` instead
 * (core/telemetry/dynamodb/layout.ts; docs/DEPLOY.md, docs/TELEMETRY.md).
 */
export class Telemetry extends StageConstruct {
  readonly store: AwsTelemetryStoreKind;
  /** The DynamoDB telemetry table, with store `dynamodb`. */
  readonly dynamoTable?: Table;
  readonly databaseName: string;
  readonly tableName: string;
  readonly tableArn: string;
  /** Hours records stay in the memory store; the processor needs it to know what it may still write there. */
  readonly memoryStoreRetentionHours: number;
  readonly magneticStoreRetentionDays: number;
  /**
   * Where Timestream writes the error reports of records it rejects
   * asynchronously during magnetic-store writes (a late reading that
   * WriteRecords accepted but the magnetic store then refused). Timestream only.
   */
  readonly rejectedDataBucket?: Bucket;

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id, props.stage);
    // Timestream's limits: memory store 1 hour to 1 year, magnetic store 1 day to 200 years.
    checkWhole(this, 'memoryStoreRetentionHours', props.memoryStoreRetentionHours, { min: 1, max: 8766 });
    checkWhole(this, 'magneticStoreRetentionDays', props.magneticStoreRetentionDays, { min: 1, max: 73000 });
    const prod = this.production;
    const removalPolicy = props.removalPolicy ?? this.stageRemovalPolicy;

    this.store = props.store ?? 'timestream';
    this.databaseName = resourceName(props.stage, 'db');
    this.tableName = TELEMETRY_TABLE_NAME;
    this.memoryStoreRetentionHours = props.memoryStoreRetentionHours ?? DEFAULT_MEMORY_STORE_RETENTION_HOURS;
    this.magneticStoreRetentionDays =
      props.magneticStoreRetentionDays ?? defaultMagneticStoreRetentionDays(prod);
    this.tableArn = `arn:${Aws.PARTITION}:timestream:${Aws.REGION}:${Aws.ACCOUNT_ID}:database/${this.databaseName}/table/${this.tableName}`;

    if (this.store === 'dynamodb') {
      // Retention by TTL, as long as the magnetic store would keep it.
      this.dynamoTable = new Table(this, 'DynamoTable', {
        tableName: telemetryTableNameFor(props.stage),
        partitionKey: { name: TELEMETRY_TABLE_KEYS.partitionKey, type: AttributeType.STRING },
        sortKey: { name: TELEMETRY_TABLE_KEYS.sortKey, type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        timeToLiveAttribute: TELEMETRY_TTL_ATTRIBUTE,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        deletionProtection: prod,
        removalPolicy,
      });
      return;
    }

    // Magnetic-store writes are acknowledged before they are stored; what the magnetic store then
    // refuses is reported only here, so the reports are kept (encrypted, private, TLS only) for an
    // admin to read, and expire after 90 days.
    const rejectedDataBucket = new Bucket(this, 'MagneticRejects', {
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
    this.rejectedDataBucket = rejectedDataBucket;
    Validations.of(rejectedDataBucket).acknowledge({
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
            BucketName: rejectedDataBucket.bucketName,
            EncryptionOption: 'SSE_S3',
            ObjectKeyPrefix: 'magnetic-store-rejects/',
          },
        },
      },
    });
    table.node.addDependency(database);
    table.node.addDependency(rejectedDataBucket);
    table.applyRemovalPolicy(removalPolicy);

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

  /** What the functions read to know the store: TELEMETRY_STORE and the store's names. */
  environment(): Record<string, string> {
    if (this.dynamoTable) {
      return {
        [TELEMETRY_ENV.store]: 'dynamodb',
        [TELEMETRY_ENV.tableName]: this.dynamoTable.tableName,
        [TELEMETRY_ENV.retentionDays]: String(this.magneticStoreRetentionDays),
        [TELEMETRY_ENV.backfillDays]: String(
          Math.min(DEFAULT_BACKFILL_DAYS, this.magneticStoreRetentionDays),
        ),
      };
    }
    return {
      [TELEMETRY_ENV.store]: 'timestream',
      TIMESTREAM_DATABASE: this.databaseName,
      TIMESTREAM_TABLE: this.tableName,
      // Kept equal to the table's retention: the oldest record the functions may still write or replay.
      TIMESTREAM_MAGNETIC_RETENTION_DAYS: String(this.magneticStoreRetentionDays),
    };
  }

  /**
   * The processor's writes. DynamoDB: conditional raw puts, rollup updates and
   * the strongly consistent queries that recompute rollups, on the one table.
   * Timestream: WriteRecords on the one table, plus the endpoint discovery every Timestream client
   * needs, plus the report bucket: Timestream writes a magnetic-store reject report with the writer's
   * permissions.
   */
  writeStatements(): PolicyStatement[] {
    if (this.dynamoTable) {
      return [
        new PolicyStatement({
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:GetItem'],
          resources: [this.dynamoTable.tableArn],
        }),
      ];
    }
    return [
      new PolicyStatement({ actions: ['timestream:WriteRecords'], resources: [this.tableArn] }),
      ...this.reportStatements(),
      describeEndpointsStatement(),
    ];
  }

  /** Acknowledges the one wildcard of writeStatements (the report objects under their prefix) on `scope`. */
  acknowledgeWriteWildcards(scope: IConstruct): void {
    if (!this.rejectedDataBucket) return;
    acknowledgeWildcardResources(
      scope,
      [`${nagRef(this.rejectedDataBucket)}/magnetic-store-rejects/*`],
      'Timestream names each magnetic-store reject report itself, under the one prefix the table sets.',
    );
  }

  private reportStatements(): PolicyStatement[] {
    if (!this.rejectedDataBucket) return [];
    return [
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetBucketAcl'],
        resources: [
          this.rejectedDataBucket.bucketArn,
          this.rejectedDataBucket.arnForObjects('magnetic-store-rejects/*'),
        ],
      }),
    ];
  }

  /** What a replayed reading writes from the API: the writes without a second endpoint-discovery grant. */
  replayStatements(): PolicyStatement[] {
    return this.dynamoTable
      ? this.writeStatements()
      : [
          new PolicyStatement({ actions: ['timestream:WriteRecords'], resources: [this.tableArn] }),
          ...this.reportStatements(),
        ];
  }

  /**
   * Reads: GetItem and Query on the DynamoDB table; or Select on the one Timestream table, plus what
   * the reader's `DESCRIBE` (the table's columns: which sensors have reported) needs, plus endpoint
   * discovery. Nothing on other tables.
   */
  queryStatements(): PolicyStatement[] {
    if (this.dynamoTable) {
      return [
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:Query'],
          resources: [this.dynamoTable.tableArn],
        }),
      ];
    }
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
