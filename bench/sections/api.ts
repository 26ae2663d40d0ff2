import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CognitoAccountDirectory } from '../../core/accounts';
import type { BenchFigure, BenchSection } from '../lib';
import { API_AT_INIT, bundle, repoRoot, timeLoads, type BuiltBundle } from '../bundles';
import { createApi } from '../../resolvers/api/app';
import { buildApiDeps } from '../../resolvers/api/deps';
import { isErrorEnvelope } from '../../core/shared/errors';
import { DuckDbTelemetryStore } from '../../core/telemetry';
import { startCognito } from '../../local/embedded/cognito';
import { startDynamo } from '../../local/embedded/dynamodb';
import { admin, mutation, query } from '../../testkit/appsync-event';

// The API Lambda's figures (targets: each figure's `target` below): its bundle's size
// and cold module load against the unbundled handler, the processor's bundle
// alongside, and the DynamoDB requests each GraphQL operation makes.

const API_ENTRY = 'resolvers/api/handler.ts';
const PROCESSOR_ENTRY = 'processors/calibration/handler.ts';
/** Fresh processes per variant (odd: the median is one of them). */
const RUNS = 9;
const KB = 1024;

/** What the functions' config.ts files require, with dummy values (nothing is called at load). */
const FUNCTION_ENV = {
  AWS_REGION: 'us-west-2',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'yvr-bench-api',
  // Lambda runs Node 22; on an older local Node the SDK would print a support warning at load.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TABLE_NAME: 'yvr-bench-data',
  USER_POOL_ID: 'us-west-2_bench',
  IOT_DATA_ENDPOINT: 'bench-ats.iot.us-west-2.amazonaws.com',
  TIMESTREAM_DATABASE: 'yvr-bench',
  TIMESTREAM_TABLE: 'readings',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-west-2:123456789012:yvr-bench-alerts',
  APPSYNC_GRAPHQL_URL: 'https://bench.appsync-api.us-west-2.amazonaws.com/graphql',
};

/** The figure as bench/results.json last recorded it (before this run overwrites it), if it did. */
function previousRun(name: string): number | undefined {
  const file = join(repoRoot, 'bench', 'results.json');
  if (!existsSync(file)) return undefined;
  const results = JSON.parse(readFileSync(file, 'utf8')) as { sections?: BenchSection[] };
  return results.sections?.flatMap((s) => s.figures).find((f) => f.name === name)?.value;
}

const SIZE_FIGURE = 'API cold-start code (minified)';
const LOAD_FIGURE = 'API bundle load + init';

export default async function api(): Promise<BenchSection> {
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  await bundleFigures(figures, notes);
  await dynamoFigures(figures, notes);
  return { title: 'API Lambda: bundle, cold load, DynamoDB requests per operation', figures, notes };
}

async function bundleFigures(figures: BenchFigure[], notes: string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'yvr-bench-bundles-'));
  const inRepoDir = join(repoRoot, 'node_modules', '.cache', 'yvr-bench', 'api');
  try {
    const before = {
      // Before the split the whole bundle was the cold-start code, under its old name.
      size: previousRun(SIZE_FIGURE) ?? previousRun('API bundle size (minified)'),
      load: previousRun(LOAD_FIGURE),
    };
    const apiBundle = await bundle(API_ENTRY, join(dir, 'api'), { atInit: API_AT_INIT });
    // What-if: every function and class name kept (esbuild keepNames), as the bundles were built before.
    const apiKeepNames = await bundle(API_ENTRY, join(dir, 'api-keep-names'), {
      overrides: { keepNames: true },
      atInit: API_AT_INIT,
    });
    const processorBundle = await bundle(PROCESSOR_ENTRY, join(dir, 'processor'));
    // What-if: the SDK left to the Lambda runtime (CDK's default). It must sit inside the
    // repository to resolve the SDK from node_modules, unminified like the runtime's copy.
    const apiSdkExternal = await bundle(API_ENTRY, inRepoDir, {
      overrides: { external: ['@aws-sdk/*', '@smithy/*'] },
      atInit: API_AT_INIT,
    });

    const loads = timeLoads(
      [
        { name: 'api', file: apiBundle.file },
        {
          name: 'api-all-chunks',
          file: apiBundle.file,
          alsoImport: firstUseModules(apiBundle).map((source) => apiBundle.onDemand.get(source)!),
        },
        { name: 'api-tsx', file: join(repoRoot, API_ENTRY), tsx: true },
        { name: 'api-sdk-external', file: apiSdkExternal.file },
        { name: 'api-no-source-maps', file: apiBundle.file, nodeOptions: '' },
        { name: 'api-keep-names', file: apiKeepNames.file },
        { name: 'processor', file: processorBundle.file },
        { name: 'processor-tsx', file: join(repoRoot, PROCESSOR_ENTRY), tsx: true },
      ],
      FUNCTION_ENV,
      RUNS,
    );
    const ms = (name: string) => loads.get(name)!;

    figures.push(
      {
        name: SIZE_FIGURE,
        value: apiBundle.bytes / KB,
        unit: 'KB',
        ...(before.size === undefined ? {} : { reference: { name: 'previous run', value: before.size } }),
        target: '<= 400 KB',
        met: apiBundle.bytes / KB <= 400,
      },
      {
        name: LOAD_FIGURE,
        value: ms('api'),
        unit: 'ms',
        reference: { name: 'unbundled (tsx)', value: ms('api-tsx') },
        target: '<= 80 ms',
        met: ms('api') <= 80,
      },
      {
        name: 'API cold-start code, stack with DynamoDB telemetry',
        value: apiBundle.loaded(['resolvers/api/telemetry-stores/dynamodb.ts']).bytes / KB,
        unit: 'KB',
        reference: { name: 'Timestream stack', value: apiBundle.bytes / KB },
      },
      {
        name: 'API code loaded on first use, all of it',
        value:
          (apiBundle.loaded([...API_AT_INIT, ...firstUseModules(apiBundle)]).bytes - apiBundle.bytes) / KB,
        unit: 'KB',
        reference: { name: 'cold-start code', value: apiBundle.bytes / KB },
      },
      {
        name: 'API load + init, then every module loaded on first use',
        value: ms('api-all-chunks'),
        unit: 'ms',
        reference: { name: 'cold start alone', value: ms('api') },
      },
      ...(before.load === undefined
        ? []
        : [
            {
              name: 'API bundle load + init, previous run',
              value: before.load,
              unit: 'ms',
              reference: { name: 'this run', value: ms('api') },
            },
          ]),
      {
        name: 'API bundle with keepNames: size',
        value: apiKeepNames.bytes / KB,
        unit: 'KB',
        reference: { name: 'without', value: apiBundle.bytes / KB },
      },
      {
        name: 'API bundle with keepNames: load + init',
        value: ms('api-keep-names'),
        unit: 'ms',
        reference: { name: 'without', value: ms('api') },
      },
      {
        name: 'API bundle load + init, no --enable-source-maps',
        value: ms('api-no-source-maps'),
        unit: 'ms',
        reference: { name: 'with', value: ms('api') },
      },
      { name: 'API bundle, SDK from the runtime: size', value: apiSdkExternal.bytes / KB, unit: 'KB' },
      {
        name: 'API bundle, SDK from the runtime: load + init',
        value: ms('api-sdk-external'),
        unit: 'ms',
        reference: { name: 'SDK bundled', value: ms('api') },
      },
      { name: 'processor bundle size (minified)', value: processorBundle.bytes / KB, unit: 'KB' },
      {
        name: 'processor bundle load + init',
        value: ms('processor'),
        unit: 'ms',
        reference: { name: 'unbundled (tsx)', value: ms('processor-tsx') },
      },
    );
    notes.push(
      `load + init: median of ${RUNS} fresh node processes per variant, interleaved, NODE_OPTIONS as in Lambda; ` +
        `unbundled: ${ms('api-tsx').toFixed(0)} ms (API), ${ms('processor-tsx').toFixed(0)} ms (processor) through tsx`,
      `API bundle by package: ${largestPackages(apiBundle)}`,
      `processor bundle by package: ${largestPackages(processorBundle)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(inRepoDir, { recursive: true, force: true });
  }
}

/**
 * The modules the API imports on first use (resolvers/api/on-demand/ and
 * standalone/, the replay's pipeline): what a container's first rare requests
 * add to its cold start. Not the other telemetry store, which a stack never loads.
 */
function firstUseModules(built: BuiltBundle): string[] {
  const sources = [...built.onDemand.keys()].filter((source) =>
    /^resolvers\/api\/(on-demand|standalone)\/|^core\/ingestion\/build-ingestion\.ts$/.test(source),
  );
  if (sources.length === 0) throw new Error('the API bundle imports no module on first use');
  return sources;
}

function largestPackages(built: BuiltBundle, count = 8): string {
  return [...built.byPackage]
    .slice(0, count)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / KB).toFixed(0)}`)
    .join(', ')
    .concat(' KB');
}

/** DynamoDB requests by command, counted per GraphQL operation. */
type Counts = Map<string, number>;

const total = (counts: Counts) => [...counts.values()].reduce((a, b) => a + b, 0);
const listCommands = (counts: Counts) =>
  [...counts].map(([command, n]) => `${command.replace(/Command$/, '')} ${n}`).join(', ') || 'none';

/**
 * Drives the API's full wiring (createApi(buildApiDeps(...)), as handler.ts
 * builds it) with AppSync events against dynalite, counting every request
 * that leaves the real DynamoDB client with a middleware on its stack.
 */
async function dynamoFigures(figures: BenchFigure[], notes: string[]): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'yvr-bench-api-'));
  const dynamo = await startDynamo({ tableName: 'yvr-bench-data' });
  const cognito = await startCognito({ dataDir });
  const telemetry = await DuckDbTelemetryStore.open({ path: ':memory:' });
  let counts: Counts = new Map();
  try {
    // After the retry middleware (finalizeRequest, low priority): one count per HTTP request, retries included.
    dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? 'unknown';
        counts.set(command, (counts.get(command) ?? 0) + 1);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'benchDynamoRequestCounter' },
    );
    const app = createApi(
      buildApiDeps({
        dynamo: dynamo.client,
        tableName: dynamo.tableName,
        // Publishing config succeeds, so updates take the path a connected station sees.
        configPublisher: { publish: async () => undefined },
        accountDirectory: new CognitoAccountDirectory({
          client: cognito.client,
          userPoolId: cognito.userPoolId,
        }),
        telemetryStore: telemetry,
        logger: new Logger({ serviceName: 'bench-api', logLevel: 'SILENT' }),
      }),
    );
    const caller = admin();
    const run = async (label: string, event: unknown): Promise<Counts> => {
      counts = new Map();
      const answer = await app.resolve(event);
      if (isErrorEnvelope(answer)) notes.push(`${label} answered ${JSON.stringify(answer.__error)}`);
      return counts;
    };

    const sensor = (id: string) => ({
      id,
      measurement: id,
      calibration: {
        points: [
          { raw: 0, actual: 0 },
          { raw: 4095, actual: 14 },
        ],
      },
    });
    // A few devices so that `devices` reads a page of more than one.
    for (const id of ['bench-2', 'bench-3', 'bench-4']) {
      await run(
        'setup',
        mutation('createDevice', { input: { id, name: id, sensors: [sensor('ph')] } }, { identity: caller }),
      );
    }

    const operations: [string, unknown][] = [
      [
        'createDevice',
        mutation(
          'createDevice',
          { input: { id: 'bench-1', name: 'Bench 1', sensors: [sensor('ph'), sensor('tmp')] } },
          { identity: caller },
        ),
      ],
      ['device', query('device', { id: 'bench-1' }, { identity: caller })],
      ['devices', query('devices', { limit: 20 }, { identity: caller })],
      [
        'updateDevice',
        mutation(
          'updateDevice',
          { input: { id: 'bench-1', expectedVersion: 1, name: 'Bench one' } },
          { identity: caller },
        ),
      ],
      [
        'deleteSensor',
        mutation('deleteSensor', { deviceId: 'bench-1', sensorId: 'tmp' }, { identity: caller }),
      ],
      [
        'deviceConfigHistory',
        query('deviceConfigHistory', { deviceId: 'bench-1', limit: 20 }, { identity: caller }),
      ],
      ['deleteDevice', mutation('deleteDevice', { id: 'bench-1' }, { identity: caller })],
      [
        'createUser',
        mutation(
          'createUser',
          { input: { id: 'sub-ada', email: 'ada@example.com', name: 'Ada' } },
          { identity: caller },
        ),
      ],
      ['user', query('user', { id: 'sub-ada' }, { identity: caller })],
      ['users', query('users', { limit: 20 }, { identity: caller })],
      ['me', query('me', {}, { identity: caller })],
      [
        'updateUser',
        mutation('updateUser', { input: { id: 'sub-ada', organization: 'YVR' } }, { identity: caller }),
      ],
    ];

    let scans = 0;
    for (const [operation, event] of operations) {
      const seen = await run(operation, event);
      scans += (seen.get('ScanCommand') ?? 0) + (seen.get('ParallelScanCommand') ?? 0);
      const figure: BenchFigure = {
        name: `DynamoDB requests: ${operation}`,
        value: total(seen),
        unit: `req (${listCommands(seen)})`,
      };
      if (operation === 'device') {
        figure.target = '1 read';
        figure.met =
          total(seen) === 1 &&
          ((seen.get('GetItemCommand') ?? 0) === 1 || (seen.get('QueryCommand') ?? 0) === 1);
      } else if (operation === 'devices') {
        figure.target = '1 Query per page';
        figure.met = total(seen) === 1 && seen.get('QueryCommand') === 1;
      }
      figures.push(figure);
    }
    figures.push({
      name: 'DynamoDB Scan requests, all operations above',
      value: scans,
      unit: 'requests',
      target: 'no Scan',
      met: scans === 0,
    });
    notes.push(
      'DynamoDB requests: counted by a middleware on the real DynamoDB client against dynalite, one count per HTTP request',
    );
  } finally {
    await telemetry.close();
    await cognito.stop();
    await dynamo.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
