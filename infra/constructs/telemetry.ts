import { Aws, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import {
  DEFAULT_BACKFILL_DAYS,
  TELEMETRY_TABLE_KEYS,
  TELEMETRY_TTL_ATTRIBUTE,
  telemetryTableNameFor,
} from '../../core/telemetry/dynamodb/layout';
import { TELEMETRY_ENV, type AwsTelemetryStoreKind } from '../../core/telemetry/config';
import { isProduction, resourceName } from '../stage';

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
export class Telemetry extends Construct {
  readonly store: AwsTelemetryStoreKind;
  /** The DynamoDB telemetry table, with store `dynamodb`. */
  readonly dynamoTable?: Table;
  readonly databaseName: string;
  readonly tableName: string;
  readonly tableArn: string;
  /** Hours records stay in the memory store; the processor needs it to know what it may still write there. */
  readonly memoryStoreRetentionHours: number;
  readonly magneticStoreRetentionDays: number;

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id);
    const prod = isProduction(props.stage);
    const removalPolicy = props.removalPolicy ?? (prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

    this.store = props.store ?? 'timestream';
    this.databaseName = resourceName(props.stage, 'db');
    this.tableName = TELEMETRY_TABLE_NAME;
    this.memoryStoreRetentionHours = props.memoryStoreRetentionHours ?? 24;
    this.magneticStoreRetentionDays = props.magneticStoreRetentionDays ?? (prod ? 3650 : 30);
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

    const database = new CfnDatabase(this, 'Database', { databaseName: this.databaseName });
    database.applyRemovalPolicy(removalPolicy);

    const table = new CfnTable(this, 'Table', {
      databaseName: this.databaseName,
      tableName: this.tableName,
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: String(this.memoryStoreRetentionHours),
        MagneticStoreRetentionPeriodInDays: String(this.magneticStoreRetentionDays),
      },
      magneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    table.node.addDependency(database);
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
      // Kept equal to the table's retention, so the functions know which records the memory store takes.
      TIMESTREAM_MEMORY_RETENTION_HOURS: String(this.memoryStoreRetentionHours),
    };
  }

  /**
   * The processor's writes. DynamoDB: conditional raw puts, rollup updates and
   * the strongly consistent queries that recompute rollups, on the one table.
   * Timestream: WriteRecords on the one table, plus the endpoint discovery every Timestream client needs.
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
      describeEndpointsStatement(),
    ];
  }

  /** What a replayed reading writes from the API: the writes without a second endpoint-discovery grant. */
  replayStatements(): PolicyStatement[] {
    return this.dynamoTable
      ? this.writeStatements()
      : [new PolicyStatement({ actions: ['timestream:WriteRecords'], resources: [this.tableArn] })];
  }

  /** Reads: GetItem and Query on the DynamoDB table, or Select on the Timestream table plus endpoint discovery. */
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
      new PolicyStatement({ actions: ['timestream:Select'], resources: [this.tableArn] }),
      describeEndpointsStatement(),
    ];
  }
}

function describeEndpointsStatement(): PolicyStatement {
  // DescribeEndpoints has no resource type: IAM accepts only "*" for it.
  return new PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] });
}
