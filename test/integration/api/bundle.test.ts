import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AT_INIT, bundle, type BuiltBundle } from '../../../bench/bundles';
import { startCognito, type EmbeddedCognito } from '../../../local/embedded/cognito';
import { startMqtt, type EmbeddedMqtt } from '../../../local/embedded/mqtt';
import { configTopic, readingsTopic } from '../../../core/ingestion/topics';
import { DynamoRejectedStore } from '../../../core/rejected/dynamo-store';
import { documentClientOf } from '../../../resolvers/api/deps';
import { ensureTelemetryTable, startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { DynamoDbTelemetryStore } from '../../../core/telemetry/dynamodb/store';
import { GENERIC_ERROR_MESSAGE } from '../../../core/shared/errors';
import { admin, mutation, query } from '../../../testkit/appsync-event';
import { PH_SENSOR } from '../../../testkit/device-inputs';

// The deployed API bundle is not the code the other tests run: esbuild swaps
// the SDK's credential chain and event streams for stand-ins
// (infra/bundling/). This runs the bundle itself, in a fresh Node process with
// only a Lambda-like environment, against dynalite.
let dir: string;
let dynamo: EmbeddedDynamo;
let cognito: EmbeddedCognito;
let mqtt: EmbeddedMqtt;
let fakeAws: FakeAwsEndpoint;
let runner: string;
let built: BuiltBundle;
let packages: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yvr-bundle-'));
  dynamo = await startDynamo({ tableName: 'yvr-bundle-data' });
  cognito = await startCognito({ dataDir: join(dir, 'cognito') });
  mqtt = await startMqtt({ port: 0, wsPort: 0 });
  fakeAws = await startFakeAwsEndpoint();
  built = await bundle('resolvers/api/handler.ts', join(dir, 'api'), { atInit: API_AT_INIT });
  packages = [...built.byPackage.keys()];
  runner = join(dir, 'run.mjs');
  await writeFile(
    runner,
    `const { handler } = await import(${JSON.stringify(pathToFileURL(built.file).href)});
const events = JSON.parse(process.argv[2]);
const answers = [];
for (const event of events) answers.push(await handler(event, { awsRequestId: 'test' }));
// Lambda freezes the process after each answer; here idle keep-alive sockets must not keep it running.
process.stdout.write(JSON.stringify(answers), () => process.exit(0));`,
  );
});

afterAll(async () => {
  await fakeAws?.stop();
  await mqtt?.stop();
  await cognito?.stop();
  await dynamo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface FakeAwsEndpoint {
  endpoint: string;
  requests: { method: string; url: string; body: string }[];
  stop(): Promise<void>;
}

/**
 * Stands in for S3 and SNS, which have no embedded part: it keeps every
 * request and answers the two calls these tests make (PutObject, Subscribe)
 * as AWS does, so the bundled clients parse a real answer.
 */
async function startFakeAwsEndpoint(): Promise<FakeAwsEndpoint> {
  const requests: FakeAwsEndpoint['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      if (req.method === 'PUT') {
        res.writeHead(200, { ETag: '"bundle-etag"' }).end();
      } else if (body.includes('Action=Subscribe')) {
        res
          .writeHead(200, { 'Content-Type': 'text/xml' })
          .end(
            '<SubscribeResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><SubscribeResult>' +
              '<SubscriptionArn>pending confirmation</SubscriptionArn></SubscribeResult>' +
              '<ResponseMetadata><RequestId>bundle</RequestId></ResponseMetadata></SubscribeResponse>',
          );
      } else {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

// Asynchronous on purpose: dynalite runs in this process and must keep answering while the child runs.
const execFileAsync = promisify(execFile);

async function runBundle(
  events: unknown[],
  credentials: boolean,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<unknown[]> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'local',
    TABLE_NAME: dynamo.tableName,
    USER_POOL_ID: cognito.userPoolId,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
    // Nothing listens there: the config publish fails and the device stays PENDING.
    IOT_DATA_ENDPOINT: 'http://127.0.0.1:9',
    TIMESTREAM_DATABASE: 'yvr-test-db',
    TIMESTREAM_TABLE: 'calibrated_device_data',
    ALERT_TOPIC_ARN: 'arn:aws:sns:local:000000000000:yvr-test-alerts',
    APPSYNC_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_MAX_ATTEMPTS: '1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...extraEnv,
    ...(credentials
      ? {
          // dynalite takes only requests signed with its own key pair.
          AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
          AWS_SESSION_TOKEN: 'x',
        }
      : {}),
  };
  // A bounded wait: a hung child fails the test with its output instead of stalling the suite.
  const { stdout } = await execFileAsync(process.execPath, [runner, JSON.stringify(events)], {
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as unknown[];
}

/** The variables of a stack deployed with `--context telemetry=dynamodb`; no Timestream names. */
const DYNAMODB_TELEMETRY = (tableName: string): NodeJS.ProcessEnv => ({
  TELEMETRY_STORE: 'dynamodb',
  TELEMETRY_TABLE_NAME: tableName,
  TIMESTREAM_DATABASE: '',
  TIMESTREAM_TABLE: '',
});

/** A telemetry table of its own holding one pH reading of `deviceId` a minute ago; answers the reading's time. */
async function telemetryTableWithOneReading(tableName: string, deviceId: string): Promise<number> {
  await ensureTelemetryTable(dynamo.client, tableName);
  const time = Date.now() - 60_000;
  const stored = await new DynamoDbTelemetryStore({ client: dynamo.client, tableName }).write([
    {
      deviceId,
      time,
      configVersion: 1,
      source: 'device',
      readings: [{ sensor: 'ph', raw: 7.1, value: 7.12, unit: 'pH', outOfRange: false, qcFlag: 1 }],
    },
  ]);
  expect(stored.failures).toEqual([]);
  return time;
}

describe('the bundled API handler', () => {
  it.each([
    [
      'the credential chain and event streams, which Lambda never uses',
      [
        '@aws-sdk/nested-clients',
        '@aws-sdk/credential-provider-sso',
        '@aws-sdk/credential-provider-ini',
        '@smithy/credential-provider-imds',
      ],
    ],
    [
      'the clients few requests use, which load on first use',
      [
        '@aws-sdk/client-cognito-identity-provider',
        '@aws-sdk/client-iot-data-plane',
        '@aws-sdk/client-s3',
        '@aws-sdk/s3-request-presigner',
        '@aws-sdk/client-sns',
        '@aws-sdk/client-timestream-write',
      ],
    ],
  ])('leaves %s out of the cold-start code', (_, absent) => {
    expect(packages).toEqual(
      expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-timestream-query']),
    );
    expect(packages.filter((p) => absent.includes(p))).toEqual([]);
  });

  it('loads each rarely used module from files of its own', () => {
    expect(
      [...built.onDemand.keys()]
        .filter((source) => /^resolvers\/api\/(on-demand|standalone)\//.test(source))
        .sort(),
    ).toEqual([
      'resolvers/api/on-demand/cognito.ts',
      'resolvers/api/on-demand/timestream-writer.ts',
      'resolvers/api/standalone/iot.ts',
      'resolvers/api/standalone/s3.ts',
      'resolvers/api/standalone/sns.ts',
    ]);
    // The replay's pipeline, too.
    expect(built.onDemand.has('core/ingestion/build-ingestion.ts')).toBe(true);
    // A stack loads one telemetry store's code, the one it was deployed with.
    expect(built.onDemand.has('resolvers/api/telemetry-stores/dynamodb.ts')).toBe(true);
    expect(
      built
        .loaded(['resolvers/api/telemetry-stores/dynamodb.ts'])
        .byPackage.has('@aws-sdk/client-timestream-query'),
    ).toBe(false);
    expect(built.totalBytes).toBeGreaterThan(built.bytes);
  });

  it('keeps the XML, Query and REST-JSON protocols of S3, SNS and IoT out of the cold-start code', () => {
    expect(packages).not.toContain('@aws-sdk/xml-builder');
    // Those three bring their own copy of the SDK runtime, so core's error classes must stay out of
    // them: an error made by a second copy of a class fails `instanceof` against the first.
    for (const standalone of ['iot', 's3', 'sns']) {
      const sources = built.sourcesOf(`resolvers/api/standalone/${standalone}.ts`);
      expect(sources.some((s) => s.includes('@aws-sdk/client-'))).toBe(true);
      // core/shared/errors.ts, core/devices/errors.ts and any other module of error classes.
      expect(sources.filter((s) => /^core\/(.+\/)?errors\.ts$/.test(s))).toEqual([]);
    }
  });

  it('publishes device config through the IoT bundle, loaded on the first publish', async () => {
    const published: string[] = [];
    const onPublish = (packet: { topic: string }) => void published.push(packet.topic);
    mqtt.broker.on('publish', onPublish);
    try {
      const [created] = await runBundle(
        [
          mutation(
            'createDevice',
            { input: { id: 'bundle-iot', name: 'Published buoy' } },
            { identity: admin() },
          ),
        ],
        true,
        { IOT_DATA_ENDPOINT: mqtt.dataPlaneEndpoint },
      );
      expect(created).toMatchObject({ id: 'bundle-iot', configVersion: 1 });
      expect(published).toContain(configTopic('bundle-iot'));
    } finally {
      mqtt.broker.removeListener('publish', onPublish);
    }
  });

  it('writes an export through the S3 bundle and answers a presigned link', async () => {
    const tableName = 'yvr-bundle-export-telemetry';
    const time = await telemetryTableWithOneReading(tableName, 'bundle-export');
    fakeAws.requests.length = 0;
    const [, exported] = await runBundle(
      [
        mutation(
          'createDevice',
          { input: { id: 'bundle-export', name: 'Exported buoy', sensors: [PH_SENSOR] } },
          { identity: admin() },
        ),
        query(
          'exportReadings',
          {
            deviceId: 'bundle-export',
            from: new Date(time - 3_600_000).toISOString(),
            to: new Date(time + 3_600_000).toISOString(),
          },
          { identity: admin() },
        ),
      ],
      true,
      {
        ...DYNAMODB_TELEMETRY(tableName),
        EXPORT_BUCKET: 'yvr-bundle-exports',
        AWS_ENDPOINT_URL_S3: fakeAws.endpoint,
      },
    );
    expect(exported).toMatchObject({ rows: 1, url: expect.stringContaining('X-Amz-Signature=') });
    const put = fakeAws.requests.find((r) => r.method === 'PUT');
    expect(put?.url).toMatch(/^\/yvr-bundle-exports\//);
    expect(put?.body).toContain('7.12');
  });

  it('replays a rejected reading through the pipeline chunk, loaded on the first replay, into the store', async () => {
    const tableName = 'yvr-bundle-replay-telemetry';
    await ensureTelemetryTable(dynamo.client, tableName);
    const time = Date.now() - 60_000;
    const id = 'bundlereplay0000000001';
    // Rejected while the device did not exist yet; created since, so the replay is accepted.
    await new DynamoRejectedStore({
      client: documentClientOf(dynamo.client),
      tableName: dynamo.tableName,
    }).put({
      id,
      deviceId: 'bundle-replay',
      topic: readingsTopic('bundle-replay'),
      payload: JSON.stringify({ ts: time, seq: 1, readings: { ph: 500 } }),
      payloadEncoding: 'utf8',
      reason: 'unknown device bundle-replay',
      receivedAt: new Date(time).toISOString(),
      replayCount: 0,
      lastReplayedAt: null,
    });
    const [, replayed] = await runBundle(
      [
        mutation(
          'createDevice',
          { input: { id: 'bundle-replay', name: 'Replayed buoy', sensors: [PH_SENSOR] } },
          { identity: admin() },
        ),
        mutation('replayRejectedMessage', { id }, { identity: admin() }),
      ],
      true,
      DYNAMODB_TELEMETRY(tableName),
    );
    expect(replayed).toMatchObject({ accepted: true });
    const [reading] = await new DynamoDbTelemetryStore({ client: dynamo.client, tableName }).latest(
      'bundle-replay',
    );
    expect(reading).toMatchObject({ sensor: 'ph', raw: 500 });
  });

  it('subscribes an opted-in profile to the alert topic through the SNS bundle', async () => {
    fakeAws.requests.length = 0;
    const [created] = await runBundle(
      [
        mutation(
          'createUser',
          { input: { id: 'bundle-sns', email: 'sns@example.com', notifyByEmail: true } },
          { identity: admin() },
        ),
      ],
      true,
      { AWS_ENDPOINT_URL_SNS: fakeAws.endpoint },
    );
    expect(created).toMatchObject({ id: 'bundle-sns', notifyByEmail: true });
    const subscribe = fakeAws.requests.find((r) => r.body.includes('Action=Subscribe'));
    expect(subscribe?.body).toContain('Protocol=email');
    expect(subscribe?.body).toContain(`Endpoint=${encodeURIComponent('sns@example.com')}`);
  });

  it('loads the Cognito chunk on the first accounts call and answers from the user pool', async () => {
    const [page] = await runBundle([query('userAccounts', { limit: 10 }, { identity: admin() })], true);
    // Nobody was added to the fresh pool: an empty page, answered through the bundled Cognito client.
    expect(page).toMatchObject({ items: [] });
  });

  it('on a stack with DynamoDB telemetry, loads that store at init and reads readings from its table', async () => {
    const tableName = 'yvr-bundle-telemetry';
    const time = await telemetryTableWithOneReading(tableName, 'bundle-telemetry');
    const [page] = await runBundle(
      [
        query(
          'readings',
          {
            deviceId: 'bundle-telemetry',
            sensor: 'ph',
            from: new Date(time - 3_600_000).toISOString(),
            to: new Date(time + 3_600_000).toISOString(),
          },
          { identity: admin() },
        ),
      ],
      true,
      // No TIMESTREAM_* variables: the Timestream store is neither loaded nor configured.
      DYNAMODB_TELEMETRY(tableName),
    );
    expect(page).toMatchObject({ items: [{ value: 7.12 }] });
  });

  it('signs requests with the credentials Lambda puts in the environment', async () => {
    const [created, read] = await runBundle(
      [
        mutation('createDevice', { input: { id: 'bundle-1', name: 'Bundled buoy' } }, { identity: admin() }),
        query('device', { id: 'bundle-1' }, { identity: admin() }),
      ],
      true,
    );
    expect(created).toMatchObject({ id: 'bundle-1', configVersion: 1, configStatus: 'PENDING' });
    expect(read).toMatchObject({ id: 'bundle-1', name: 'Bundled buoy', delivery: { status: 'UNDELIVERED' } });
  });

  it('answers each typed error with its errorType, though the bundle is minified without keepNames', async () => {
    const [invalid, missing] = await runBundle(
      [
        mutation('createDevice', { input: { id: 'not an id!', name: 'Bad' } }, { identity: admin() }),
        mutation('deleteDevice', { id: 'bundle-never-created' }, { identity: admin() }),
      ],
      true,
    );
    // Whichever net maps them (the routes' own or Powertools' exception handler, which finds the
    // handler by the error class's name that minifying renames), the bundle answers the typed error.
    expect(invalid).toMatchObject({
      __error: { errorType: 'ValidationError', message: expect.stringContaining('id') },
    });
    expect(missing).toMatchObject({ __error: { errorType: 'NotFound' } });
  });

  it('answers with a typed error, not a crash, when the environment has no credentials', async () => {
    const [answer] = await runBundle([query('device', { id: 'bundle-1' }, { identity: admin() })], false);
    // Our misconfiguration, not the caller's: logged whole, answered generically.
    expect(answer).toEqual({ __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE } });
  });
});
