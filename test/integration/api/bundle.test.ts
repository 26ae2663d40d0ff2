import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../../bench/bundles';
import { startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { GENERIC_ERROR_MESSAGE } from '../../../core/shared/errors';
import { admin, mutation, query } from '../../../testkit/appsync-event';

// The deployed API bundle is not the code the other tests run: esbuild swaps
// the SDK's credential chain and event streams for stand-ins
// (infra/bundling/). This runs the bundle itself, in a fresh Node process with
// only a Lambda-like environment, against dynalite.
let dir: string;
let dynamo: EmbeddedDynamo;
let runner: string;
let packages: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yvr-bundle-'));
  dynamo = await startDynamo({ tableName: 'yvr-bundle-data' });
  const built = await bundle('resolvers/api/handler.ts', join(dir, 'api'));
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
  await dynamo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Asynchronous on purpose: dynalite runs in this process and must keep answering while the child runs.
const execFileAsync = promisify(execFile);

async function runBundle(events: unknown[], credentials: boolean): Promise<unknown[]> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'local',
    TABLE_NAME: dynamo.tableName,
    USER_POOL_ID: 'local_unused',
    // Nothing listens there: the config publish fails and the device stays PENDING.
    IOT_DATA_ENDPOINT: 'http://127.0.0.1:9',
    TIMESTREAM_DATABASE: 'yvr-test-db',
    TIMESTREAM_TABLE: 'calibrated_device_data',
    ALERT_TOPIC_ARN: 'arn:aws:sns:local:000000000000:yvr-test-alerts',
    APPSYNC_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_MAX_ATTEMPTS: '1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
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

describe('the bundled API handler', () => {
  it('leaves out the credential chain and event streams that Lambda never uses', () => {
    expect(packages).toContain('@aws-sdk/client-dynamodb');
    for (const unused of [
      '@aws-sdk/nested-clients',
      '@aws-sdk/credential-provider-sso',
      '@aws-sdk/credential-provider-ini',
      '@smithy/credential-provider-imds',
    ]) {
      expect(packages).not.toContain(unused);
    }
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
