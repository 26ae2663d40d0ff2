/**
 * The variables both Lambda entries (the API and the calibration processor)
 * read, as a test stage sets them: the data table, Timestream by default,
 * the alert topic and the AppSync URL.
 */
export const sharedEntryEnv = {
  TABLE_NAME: 'yvr-test-data',
  TIMESTREAM_DATABASE: 'yvr-test-db',
  TIMESTREAM_TABLE: 'calibrated_device_data',
  ALERT_TOPIC_ARN: 'arn:aws:sns:ca-central-1:123456789012:yvr-test-alerts',
  APPSYNC_GRAPHQL_URL: 'https://abc.appsync-api.ca-central-1.amazonaws.com/graphql',
} as const;

/**
 * What both entries read from {@link sharedEntryEnv}: the telemetry part as
 * core/telemetry/config.ts reads it (Timestream, 30 days magnetic retention
 * by default) and us-west-2 when AWS_REGION is not given.
 */
export const sharedEntryConfig = {
  tableName: 'yvr-test-data',
  telemetryStore: 'timestream',
  timestreamDatabase: 'yvr-test-db',
  timestreamTable: 'calibrated_device_data',
  magneticStoreRetentionDays: 30,
  alertTopicArn: 'arn:aws:sns:ca-central-1:123456789012:yvr-test-alerts',
  appsyncGraphqlUrl: 'https://abc.appsync-api.ca-central-1.amazonaws.com/graphql',
  region: 'us-west-2',
} as const;
