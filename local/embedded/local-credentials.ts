import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The key pair the local mode's emulated AWS APIs accept SigV4 signatures from. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The profile name in the data dir's `credentials` file (AWS CLI shared-credentials format). */
export const LOCAL_CREDENTIALS_PROFILE = 'yvr-local';
export const LOCAL_CREDENTIALS_FILE = 'credentials';

/** A credentials file that cannot be read; the message says what to do. */
export class LocalCredentialsError extends Error {
  override readonly name = 'LocalCredentialsError';
}

/** A fresh random key pair (memory mode, tests). */
export function generateLocalCredentials(): LocalCredentials {
  return {
    // The shape of an AWS key id (20 upper-case characters), marked as local.
    accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`.slice(0, 20),
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

/**
 * The data dir's credentials: read from `<dataDir>/credentials` (made on the
 * first start, readable by its owner only), so only someone who can read the
 * data dir can sign requests to the local DynamoDB, Data Plane and Cognito
 * admin API. Without a data dir, a fresh pair per run.
 */
export function loadLocalCredentials(dataDir: string | undefined): LocalCredentials {
  if (!dataDir) return generateLocalCredentials();
  const file = join(dataDir, LOCAL_CREDENTIALS_FILE);
  if (!existsSync(file)) {
    const created = generateLocalCredentials();
    writeFileSync(
      file,
      `[${LOCAL_CREDENTIALS_PROFILE}]\naws_access_key_id = ${created.accessKeyId}\naws_secret_access_key = ${created.secretAccessKey}\n`,
      { mode: 0o600 },
    );
    chmodSync(file, 0o600);
    return created;
  }
  const text = readFileSync(file, 'utf8');
  const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)\\s*$`, 'm').exec(text)?.[1];
  const accessKeyId = value('aws_access_key_id');
  const secretAccessKey = value('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey)
    throw new LocalCredentialsError(
      `${file} has no aws_access_key_id / aws_secret_access_key. Delete it and start again to get a new pair (clients that signed with the old one need the new one).`,
    );
  return { accessKeyId, secretAccessKey };
}
