import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadApiConfig, toEndpointUrl } from '../../../resolvers/api/config';
import { query } from '../../../testkit/appsync-event';
import { sharedEntryConfig, sharedEntryEnv } from '../../helpers/entry-config-fixtures';

const env = {
  ...sharedEntryEnv,
  USER_POOL_ID: 'ca-central-1_test',
  IOT_DATA_ENDPOINT: 'abc123-ats.iot.ca-central-1.amazonaws.com',
};

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  ddb.reset();
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  vi.stubEnv('AWS_REGION', 'ca-central-1');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadApiConfig', () => {
  it('reads every variable and turns a bare IoT host into an https URL', () => {
    expect(loadApiConfig(env)).toEqual({
      ...sharedEntryConfig,
      userPoolId: 'ca-central-1_test',
      iotDataEndpoint: 'https://abc123-ats.iot.ca-central-1.amazonaws.com',
      exportLinkTtlSeconds: 3600,
    });
  });

  it('reads the DynamoDB telemetry table and the export bucket instead of Timestream when told', () => {
    const config = loadApiConfig({
      ...env,
      TIMESTREAM_DATABASE: '',
      TIMESTREAM_TABLE: '',
      TELEMETRY_STORE: 'dynamodb',
      TELEMETRY_TABLE_NAME: 'yvr-test-telemetry',
      EXPORT_BUCKET: 'yvr-test-exports',
    });
    expect(config).toMatchObject({
      telemetryStore: 'dynamodb',
      telemetryTable: { tableName: 'yvr-test-telemetry', retentionDays: 3650, backfillDays: 366 },
      exportBucket: 'yvr-test-exports',
    });
    expect(config.timestreamDatabase).toBeUndefined();
    expect(() => loadApiConfig({ ...env, TELEMETRY_STORE: 'influx' })).toThrow('TELEMETRY_STORE');
    expect(() => loadApiConfig({ ...env, TELEMETRY_STORE: 'dynamodb' })).toThrow('TELEMETRY_TABLE_NAME');
  });

  it('takes the magnetic store retention in days and refuses a nonsense one', () => {
    expect(
      loadApiConfig({ ...env, TIMESTREAM_MAGNETIC_RETENTION_DAYS: '3650' }).magneticStoreRetentionDays,
    ).toBe(3650);
    expect(() => loadApiConfig({ ...env, TIMESTREAM_MAGNETIC_RETENTION_DAYS: 'soon' })).toThrow(
      'TIMESTREAM_MAGNETIC_RETENTION_DAYS',
    );
  });

  it('keeps a full local URL as it is', () => {
    expect(toEndpointUrl('http://127.0.0.1:1884')).toBe('http://127.0.0.1:1884');
  });

  it('fails naming the missing variable', () => {
    expect(() => loadApiConfig({ ...env, TIMESTREAM_TABLE: '' })).toThrow('TIMESTREAM_TABLE');
  });
});

describe('handler', () => {
  it('runs a reconciliation pass and the silence check for the scheduled event, through the sparse indexes', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const { handler } = await import('../../../resolvers/api/handler');
    const result = await handler({ action: 'reconcileConfigDelivery' }, {} as Context);
    expect(result).toEqual({ attempted: 0, delivered: 0, failed: 0, silence: { checked: 0, opened: 0 } });
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input).toMatchObject({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :now',
    });
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'yvr-test-data',
      IndexName: 'gsi2',
      ExpressionAttributeValues: { ':pk': 'UNDELIVERED' },
    });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('resolves an AppSync event with one GetItem', async () => {
    ddb.on(GetCommand).resolves({});
    const { handler } = await import('../../../resolvers/api/handler');
    expect(await handler(query('device', { id: 'b1' }), {} as Context)).toBeNull();
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'yvr-test-data',
      Key: { pk: 'DEVICE#b1', sk: 'META' },
    });
  });

  it('refuses to start without its configuration', async () => {
    vi.stubEnv('TABLE_NAME', '');
    await expect(import('../../../resolvers/api/handler')).rejects.toThrow('TABLE_NAME');
  });
});
