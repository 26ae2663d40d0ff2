import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS, tableNameFor } from '../../core/shared/table';

import { StageConstruct } from './props';

export interface DataProps {
  readonly stage: string;
  /**
   * What happens to the table when the stack is deleted or the table replaced.
   * @default RETAIN for production stages, DESTROY otherwise
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuse DeleteTable even from CloudFormation.
   * @default true for production stages, false otherwise
   */
  readonly deletionProtection?: boolean;
}

/**
 * The single DynamoDB table (devices, config versions, user profiles, rejected
 * messages), built from core/shared/table.ts so that its keys and indexes are
 * the ones the code queries: on demand, point-in-time recovery always on.
 */
export class Data extends StageConstruct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id, props.stage);
    const prod = this.production;

    const table = new Table(this, 'Table', {
      tableName: tableNameFor(props.stage),
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.deletionProtection ?? prod,
      removalPolicy: props.removalPolicy ?? this.stageRemovalPolicy,
    });
    for (const index of TABLE_INDEXES) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    this.table = table;
  }
}
