import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../infra/create-app';
import {
  buildStage,
  cdkJsonContext,
  findOne,
  logicalIdOf,
  resourcesOf,
  statementsOfFunction,
  type Built,
} from './build';

// --context telemetry=dynamodb: what an AWS account that never used Timestream deploys.
let dynamo: Built;
let timestream: Built;

beforeAll(() => {
  dynamo = buildStage('stage', { bundle: false, context: { telemetry: 'dynamodb' } });
  timestream = buildStage('stage', { bundle: false });
}, 120_000);

const actionsOf = (statements: unknown[]): string[] =>
  statements.flatMap((s) => {
    const action = (s as { Action: string | string[] }).Action;
    return Array.isArray(action) ? action : [action];
  });

describe('telemetry=dynamodb', () => {
  it('has no Timestream resource and no Timestream permission', () => {
    const types = Object.values(dynamo.template.toJSON().Resources as Record<string, { Type: string }>).map(
      (r) => r.Type,
    );
    expect(types.filter((t) => t.startsWith('AWS::Timestream::'))).toEqual([]);
    for (const fn of ['yvr-stage-api', 'yvr-stage-calibration']) {
      expect(
        actionsOf(statementsOfFunction(dynamo.template, fn)).filter((a) => a.startsWith('timestream:')),
      ).toEqual([]);
    }
    expect(JSON.stringify(dynamo.template.toJSON())).not.toMatch(/timestream/i);
  });

  it('creates the telemetry table from its core definition, with TTL, on demand and PITR', () => {
    const [, table] = findOne(dynamo.template, 'AWS::DynamoDB::Table', 'TableName', 'yvr-stage-telemetry');
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(table.Properties?.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('tells both functions which store and table, and grants exactly the table calls each makes', () => {
    const [tableId] = findOne(dynamo.template, 'AWS::DynamoDB::Table', 'TableName', 'yvr-stage-telemetry');
    for (const name of ['yvr-stage-api', 'yvr-stage-calibration']) {
      const [, fn] = findOne(dynamo.template, 'AWS::Lambda::Function', 'FunctionName', name);
      const env = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        TELEMETRY_STORE: 'dynamodb',
        TELEMETRY_TABLE_NAME: { Ref: tableId },
        TELEMETRY_RETENTION_DAYS: '30',
        TELEMETRY_BACKFILL_DAYS: '30',
      });
      expect(Object.keys(env).filter((k) => k.startsWith('TIMESTREAM_'))).toEqual([]);
    }
    const onTable = (name: string) =>
      statementsOfFunction(dynamo.template, name).filter(
        (s) =>
          JSON.stringify((s as { Resource: unknown }).Resource) ===
          JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] }),
      );
    expect(actionsOf(onTable('yvr-stage-calibration')).sort()).toEqual(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
    expect(new Set(actionsOf(onTable('yvr-stage-api')))).toEqual(
      new Set(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
  });

  it.each(['stage', 'prod'])('is cdk-nag clean on %s', (stageName) => {
    const built =
      stageName === 'prod'
        ? buildStage('prod', { bundle: false, context: { telemetry: 'dynamodb' } })
        : dynamo;
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    expect(
      report.violations.flatMap((v) =>
        v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
      ),
    ).toEqual([]);
  });

  it('keeps the production telemetry table on delete and deletion-protected', () => {
    const prod = buildStage('prod', { bundle: false, context: { telemetry: 'dynamodb' } });
    const [, table] = findOne(prod.template, 'AWS::DynamoDB::Table', 'TableName', 'yvr-prod-telemetry');
    expect([table.DeletionPolicy, table.Properties?.DeletionProtectionEnabled]).toEqual(['Retain', true]);
  });

  it('refuses an unknown store naming the context key', () => {
    expect(() =>
      createApp({ context: { ...cdkJsonContext(), telemetry: 'influxdb' } }, { nag: false }),
    ).toThrow('Context "telemetry" must be one of timestream, dynamodb');
  });
});

describe.each([
  ['timestream', () => timestream],
  ['dynamodb', () => dynamo],
])('the export bucket (telemetry=%s)', (_name, built) => {
  it('is private, encrypted, TLS-only and deletes exports after a day', () => {
    const template = built().template;
    const id = logicalIdOf(template, 'AWS::S3::Bucket', 'Exports');
    expect(resourcesOf(template, 'AWS::S3::Bucket')[id]!.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [
          {
            Status: 'Enabled',
            ExpirationInDays: 1,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find((p) =>
      JSON.stringify(p.Properties).includes(id),
    )!;
    expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
  });
});
