import { ensureLocalTls, type LocalTls } from '../embedded/certificates';
import { loadLocalCredentials, type LocalCredentials } from '../embedded/local-credentials';
import { workDir } from './data-dir';
import type { Part } from './parts';

export interface LocalSecrets {
  /** The key pair the emulated AWS APIs accept SigV4 signatures from (`<dataDir>/credentials`; per run in memory mode). */
  credentials: LocalCredentials;
  /** The local CA and the GraphQL port's certificate. */
  tls: LocalTls;
}

/**
 * The local credentials and the local CA. The CA is kept with the data, so a
 * browser or OS that trusts it once keeps trusting it; a throwaway run gets a
 * throwaway CA, removed on stop.
 */
export function startSecrets(options: { dataDir: string | undefined; host: string }): Part<LocalSecrets> {
  const credentials = loadLocalCredentials(options.dataDir);
  const tlsDir = workDir(options.dataDir, 'tls');
  const tls = ensureLocalTls(tlsDir.path, options.host);
  return { handle: { credentials, tls }, stop: tlsDir.remove };
}
