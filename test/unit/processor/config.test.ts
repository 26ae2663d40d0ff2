import { describe, expect, it } from 'vitest';
import { loadProcessorConfig } from '../../../processors/calibration/config';
import { sharedEntryConfig, sharedEntryEnv } from '../../helpers/entry-config-fixtures';

const env = sharedEntryEnv;

describe('loadProcessorConfig', () => {
  it('reads every variable, with the defaults for the optional ones', () => {
    expect(loadProcessorConfig(env)).toEqual({
      ...sharedEntryConfig,
      deviceCacheTtlMs: 60_000,
      maxReceiveCount: 5,
    });
  });

  it('reads the DynamoDB telemetry table instead of Timestream when told', () => {
    expect(
      loadProcessorConfig({
        ...env,
        TIMESTREAM_DATABASE: '',
        TELEMETRY_STORE: 'dynamodb',
        TELEMETRY_TABLE_NAME: 'yvr-test-telemetry',
        TELEMETRY_RETENTION_DAYS: '400',
      }),
    ).toMatchObject({
      telemetryStore: 'dynamodb',
      telemetryTable: { tableName: 'yvr-test-telemetry', retentionDays: 400, backfillDays: 366 },
    });
  });

  it('reads the cache lifetime in seconds and the receive count', () => {
    const config = loadProcessorConfig({ ...env, DEVICE_CACHE_TTL_SECONDS: '15', MAX_RECEIVE_COUNT: '3' });
    expect(config).toMatchObject({ deviceCacheTtlMs: 15_000, maxReceiveCount: 3 });
  });

  it.each([
    ['TABLE_NAME', ''],
    ['APPSYNC_GRAPHQL_URL', ''],
    ['ALERT_TOPIC_ARN', ''],
    ['TIMESTREAM_TABLE', ''],
    ['TELEMETRY_STORE', 'influx'],
    ['DEVICE_CACHE_TTL_SECONDS', 'a minute'],
    ['MAX_RECEIVE_COUNT', '0'],
    ['MAX_RECEIVE_COUNT', '2.5'],
    ['TIMESTREAM_MAGNETIC_RETENTION_DAYS', '-1'],
    ['TELEMETRY_RETENTION_DAYS', 'forever'],
  ])('refuses to start when %s is "%s", naming it', (name, value) => {
    const store: Record<string, string> =
      name === 'TELEMETRY_RETENTION_DAYS' ? { TELEMETRY_STORE: 'dynamodb' } : {};
    const broken: Record<string, string> = { ...env, TELEMETRY_TABLE_NAME: 't', ...store, [name]: value };
    expect(() => loadProcessorConfig(broken)).toThrow(name);
  });
});
