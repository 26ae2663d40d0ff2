import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CognitoAccountDirectory } from '../../../core/accounts';
import { buildASTSchema, parse, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../resolvers/api/app';
import { MissingClientError, buildApiDeps } from '../../../resolvers/api/deps';
import { DuckDbTelemetryStore } from '../../../core/telemetry';
import { GENERIC_ERROR_MESSAGE, isErrorEnvelope } from '../../../core/shared/errors';
import { startCognito, type EmbeddedCognito } from '../../../local/embedded/cognito';
import { startDynamo, type EmbeddedDynamo } from '../../../local/embedded/dynamodb';
import { admin, appSyncEvent, backend } from '../../../testkit/appsync-event';
import { FakePublisher } from '../../helpers/devices-harness';

// The schema decides which fields exist; this suite proves the API Lambda's
// full wiring (buildApiDeps + createApi, as handler.ts and the local mode use
// them) routes every one of them, so a field added to schema.graphql without a
// route fails here instead of answering every caller with the generic error.
const root = join(__dirname, '..', '..', '..');
const schema = buildASTSchema(
  parse(
    readFileSync(join(root, 'schema.graphql'), 'utf8') +
      readFileSync(join(root, 'local', 'appsync', 'prelude.graphql'), 'utf8'),
  ),
);
const rootFields = (['Query', 'Mutation'] as const).flatMap((type) =>
  Object.values((schema.getType(type) as GraphQLObjectType).getFields()).map((field) => ({
    type,
    name: field.name,
    backendOnly: field.astNode?.directives?.some((d) => d.name.value === 'aws_iam') ?? false,
  })),
);

let dynamo: EmbeddedDynamo;
let cognito: EmbeddedCognito;
let telemetry: DuckDbTelemetryStore;
let dataDir: string;
let api: Api;
const messages: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'yvr-wiring-'));
  dynamo = await startDynamo({ tableName: 'yvr-wiring-data' });
  cognito = await startCognito({ dataDir });
  telemetry = await DuckDbTelemetryStore.open({ path: ':memory:' });
  const logger = new Logger({ serviceName: 'wiring-test', logLevel: 'SILENT' });
  // Keep what the API logs as unexpected, to name the cause when a field is not routed.
  logger.error = (message: string, ...rest: unknown[]) =>
    void messages.push(`${message} ${JSON.stringify(rest)}`);
  api = createApi(
    buildApiDeps({
      dynamo: dynamo.client,
      tableName: dynamo.tableName,
      configPublisher: new FakePublisher(),
      accountDirectory: new CognitoAccountDirectory({
        client: cognito.client,
        userPoolId: cognito.userPoolId,
      }),
      telemetryStore: telemetry,
      logger,
    }),
  );
});

afterAll(async () => {
  await telemetry?.close();
  await cognito?.stop();
  await dynamo?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('API wiring', () => {
  it('reads the root fields from the schema', () => {
    expect(rootFields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['device', 'readings', 'userAccounts', 'createDevice', 'replayRejectedMessage']),
    );
  });

  it('answers a field that has no route with the generic error (what the next test rules out)', async () => {
    const devicesOnly = createApi({ devices: {} as never, logger: new Logger({ logLevel: 'SILENT' }) });
    const answer = await devicesOnly.resolve(
      appSyncEvent('Query', 'userAccounts', {}, { identity: admin() }),
    );
    expect(answer).toMatchObject({ __error: { errorType: 'InternalError', message: GENERIC_ERROR_MESSAGE } });
  });

  it('builds one area from the table alone, without the clients of the others', async () => {
    const usersOnly = createApi(
      buildApiDeps({ dynamo: dynamo.client, tableName: dynamo.tableName }, ['users', 'alerts']),
    );
    expect(
      await usersOnly.resolve(appSyncEvent('Query', 'me', {}, { identity: admin('nobody-yet') })),
    ).toBeNull();
    expect(await usersOnly.resolve(appSyncEvent('Query', 'alerts', {}, { identity: admin() }))).toMatchObject(
      { items: [] },
    );
  });

  it.each([
    ['devices', 'configPublisher'],
    ['accounts', 'accountDirectory'],
  ] as const)('refuses to build the %s area without its %s, naming both', (area, client) => {
    const build = () => buildApiDeps({ dynamo: dynamo.client, tableName: dynamo.tableName }, [area]);
    expect(build).toThrow(MissingClientError);
    expect(build).toThrow(`the ${area} area needs ${client}`);
  });

  it.each(rootFields.map((f) => [`${f.type}.${f.name}`, f] as const))('routes %s', async (_, field) => {
    messages.length = 0;
    // Empty arguments: a routed field answers with data or a typed error (validation, not found);
    // an unrouted one can only answer with the generic error.
    const answer = await api.resolve(
      appSyncEvent(field.type, field.name, {}, { identity: field.backendOnly ? backend() : admin() }),
    );
    if (isErrorEnvelope(answer)) {
      expect(answer.__error.message, messages.join('\n')).not.toBe(GENERIC_ERROR_MESSAGE);
      expect(answer.__error.errorType).not.toBe('InternalError');
    }
  });
});
