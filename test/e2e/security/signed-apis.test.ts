import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalMode } from '../../../local/start-local';
import { loadLocalCredentials } from '../../../local/embedded/local-credentials';
import { ADMIN, gql, signIn, startTestLocal, tempDir } from '../../../testkit/local-mode';

// Issue 12, item 2 (DynamoDB and the IoT Data Plane; Cognito's admin API is issue 11's front):
// dynalite answered a request with a fake SigV4 signature, and the Data Plane route replaced a
// device's retained config with no credentials at all. Both now verify SigV4 as AWS does, with
// the data dir's own credentials, and answer browsers with no permissive CORS.

const data = tempDir('yvr-signed-');
let local: LocalMode;
let adminToken: string;

beforeAll(async () => {
  local = await startTestLocal({ dataDir: data.dir });
  adminToken = (await signIn(local.outputs, ADMIN.email, ADMIN.password)).idToken;
  const created = await gql(
    local.outputs,
    adminToken,
    'mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { id configVersion } }',
    { input: { id: 'signed-1', name: 'Signed', sensorIntervalMs: 60_000, sensors: [] } },
  );
  expect(created.errors).toBeUndefined();
});
afterAll(async () => {
  await local?.stop();
  data.remove();
});

const dynamoWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new DynamoDBClient({
    endpoint: local.outputs.DynamoDbEndpoint,
    region: 'local',
    credentials,
    maxAttempts: 1,
  });
const iotWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new IoTDataPlaneClient({
    endpoint: local.outputs.IotDataEndpoint,
    region: 'local',
    credentials,
    maxAttempts: 1,
  });

describe('DynamoDB (dynalite) takes only requests signed with the local credentials', () => {
  it('keeps the credentials in the data dir, readable by their owner only', () => {
    const file = join(data.dir, 'credentials');
    expect(loadLocalCredentials(data.dir)).toEqual(local.credentials);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('answers a client signing with the local credentials', async () => {
    const tables = await dynamoWith(local.credentials).send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain(local.outputs.TableName);
  });

  it('refuses a signature made with the wrong secret (InvalidSignatureException)', async () => {
    await expect(
      dynamoWith({ accessKeyId: local.credentials.accessKeyId, secretAccessKey: 'fake' }).send(
        new ListTablesCommand({}),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  });

  it("refuses the old well-known 'local' key pair (UnrecognizedClientException)", async () => {
    await expect(
      dynamoWith({ accessKeyId: 'local', secretAccessKey: 'local' }).send(new ListTablesCommand({})),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('refuses an unsigned request and a hand-made fake signature', async () => {
    const unsigned = await fetch(local.outputs.DynamoDbEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toContain('MissingAuthenticationToken');
    const fake = await fetch(local.outputs.DynamoDbEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'x-amz-date': new Date()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, ''),
        authorization: `AWS4-HMAC-SHA256 Credential=${local.credentials.accessKeyId}/20260101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      },
      body: '{}',
    });
    expect(fake.status).toBe(400);
    expect(await fake.text()).not.toContain('TableNames');
  });

  it('sends browsers no permissive CORS', async () => {
    const preflight = await fetch(local.outputs.DynamoDbEndpoint, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    const post = await fetch(local.outputs.DynamoDbEndpoint, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the IoT Data Plane route takes only requests signed with the local credentials', () => {
  const configTopic = 'devices/signed-1/config';
  const retained = () => local.mqtt.retained().get(configTopic)?.toString();

  it('refuses an unsigned Publish that would replace a retained config', async () => {
    const before = retained();
    expect(before).toContain('"version":1');
    const response = await fetch(
      `${local.outputs.IotDataEndpoint}/topics/${encodeURIComponent(configTopic)}?qos=1&retain=true`,
      { method: 'POST', body: '{"version":99,"enabled":false}' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(retained()).toBe(before);
  });

  it('refuses a Publish signed with the wrong secret, and an unsigned GetRetainedMessage', async () => {
    await expect(
      iotWith({ accessKeyId: local.credentials.accessKeyId, secretAccessKey: 'fake' }).send(
        new PublishCommand({ topic: configTopic, qos: 1, retain: true, payload: Buffer.from('{}') }),
      ),
    ).rejects.toMatchObject({ name: 'ForbiddenException' });
    const read = await fetch(
      `${local.outputs.IotDataEndpoint}/retainedMessage/${encodeURIComponent(configTopic)}`,
    );
    expect(read.status).toBe(403);
    expect(retained()).toContain('"version":1');
  });

  it('takes a Publish signed with the local credentials', async () => {
    await iotWith(local.credentials).send(
      new PublishCommand({ topic: 'signed/check', qos: 1, retain: true, payload: Buffer.from('ok') }),
    );
    expect(local.mqtt.retained().get('signed/check')?.toString()).toBe('ok');
  });

  it('sends browsers no CORS', async () => {
    const preflight = await fetch(`${local.outputs.IotDataEndpoint}/topics/x`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(403);
  });
});
