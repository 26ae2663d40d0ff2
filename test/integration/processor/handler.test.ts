import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../core/shared/logger';
import { useDynamo } from '../../../testkit/embedded';
import { message, sqsEvent, sqsRecord } from '../../../testkit/telemetry-fixtures';
import { createDevices } from '../../helpers/reliability-harness';
import { timestreamThrottled } from '../../helpers/timestream-errors';

// The Lambda entry exactly as the CDK app bundles it: configuration from the
// environment, DynamoDB on dynalite (through the SDK's service endpoint
// variable), Timestream through aws-sdk-client-mock, AppSync through fetch.
const dynamo = useDynamo();
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const timestream = mockClient(TimestreamWriteClient);
const posts: { url: string; headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  vi.stubEnv('TABLE_NAME', dynamo.tableName);
  vi.stubEnv('TIMESTREAM_DATABASE', 'yvr-test-db');
  vi.stubEnv('TIMESTREAM_TABLE', 'calibrated_device_data');
  vi.stubEnv('APPSYNC_GRAPHQL_URL', 'https://abc.appsync-api.us-west-2.amazonaws.com/graphql');
  vi.stubEnv('ALERT_TOPIC_ARN', 'arn:aws:sns:us-west-2:123456789012:yvr-test-alerts');
  vi.stubEnv('AWS_REGION', 'us-west-2');
  // dynalite takes only requests signed with its own key pair, as DynamoDB takes only valid ones.
  vi.stubEnv('AWS_ACCESS_KEY_ID', dynamo.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', dynamo.credentials.secretAccessKey);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  // The entry logs retries and rejections by design; the test keeps its output for failures.
  logger.setLogLevel('SILENT');
  vi.stubGlobal('fetch', async (url: URL | string, init?: RequestInit) => {
    posts.push({
      url: String(url),
      headers: init?.headers as Record<string, string>,
      body: String(init?.body),
    });
    return new Response(JSON.stringify({ data: { notifyDeviceConfigChanged: { id: 'buoy-1' } } }), {
      status: 200,
    });
  });

  await createDevices(dynamo, ['buoy-1']);
  ({ handler } = await import('../../../processors/calibration/handler'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

beforeEach(() => {
  timestream.reset();
  posts.length = 0;
});

const context = { functionName: 'yvr-test-calibration', awsRequestId: 'req-1' } as Context;

describe('calibration processor entry', () => {
  it('writes a batch in one WriteRecords call and notifies AppSync of an ack, signed', async () => {
    timestream.on(WriteRecordsCommand).resolves({});
    const now = Date.now();
    const response = await handler(
      sqsEvent([
        sqsRecord(
          message('devices/buoy-1/readings', { ts: now - 2000, readings: { ph: 5, tmp: '0.5' } }, now),
          'a',
        ),
        sqsRecord(message('buoy-1/reading/sensor/ph', { value: '2.5' }, now), 'b'),
        sqsRecord(message('devices/buoy-1/config/ack', { version: 1, status: 'applied' }, now), 'c'),
      ]),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [] });
    const calls = timestream.commandCalls(WriteRecordsCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toMatchObject({ DatabaseName: 'yvr-test-db', TableName: 'calibrated_device_data' });
    expect(input.Records?.map((r) => r.MeasureValues?.find((m) => m.Name === 'ph')?.Value)).toEqual([
      '7',
      '3.5',
    ]);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.authorization).toMatch(/\/us-west-2\/appsync\/aws4_request/);
    expect(JSON.parse(posts[0]!.body)).toMatchObject({ variables: { id: 'buoy-1' } });
  });

  it('fails only the records Timestream kept throttling, after bounded retries', async () => {
    timestream.on(WriteRecordsCommand).rejects(timestreamThrottled());
    const now = Date.now();
    const response = await handler(
      sqsEvent([
        sqsRecord(
          message('devices/buoy-1/readings', { ts: now - 1000, readings: { ph: 5 } }, now),
          'stored-later',
        ),
        sqsRecord(message('devices/nobody/readings', { readings: { ph: 5 } }, now), 'never'),
      ]),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'stored-later' }] });
    expect(timestream.commandCalls(WriteRecordsCommand)).toHaveLength(4);
  });
});
