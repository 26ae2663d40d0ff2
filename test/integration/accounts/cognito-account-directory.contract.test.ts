import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { CognitoAccountDirectory } from '../../../core/accounts';
import { startCognito, type EmbeddedCognito } from '../../../local/embedded/cognito';
import { describeAccountDirectoryContract } from '../../helpers/account-directory-contract';

let dataDir: string;
let cognito: EmbeddedCognito;
let directory: CognitoAccountDirectory;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'yvr-directory-contract-'));
  cognito = await startCognito({ dataDir });
  directory = new CognitoAccountDirectory({ client: cognito.client, userPoolId: cognito.userPoolId });
});

afterAll(async () => {
  await cognito?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describeAccountDirectoryContract('Cognito (cognito-local)', () => directory);
