import type { AdminRequestVerifier } from '../embedded/cognito-front';
import { startCognito, type EmbeddedCognito } from '../embedded/cognito';
import { checkUserPool } from '../embedded/data-dir-check';
import type { LocalCredentials } from '../embedded/local-credentials';
import { createSigV4Checker } from '../embedded/sigv4-verifier';
import { workDir } from './data-dir';
import type { Part, StartContext } from './parts';
import { namingPort } from './ports';

/**
 * cognito-local behind the Cognito front, its files under `<dataDir>/cognito`
 * (cognito-local has no memory mode: a throwaway run gets a temporary folder,
 * removed on stop).
 */
export async function startCognitoPart(
  options: StartContext & {
    port: number;
    /** Replaces the SigV4 check of the admin operations (tests inject their own). */
    verifyAdminRequest: AdminRequestVerifier | undefined;
  },
): Promise<Part<EmbeddedCognito>> {
  const dir = workDir(options.dataDir, 'cognito');
  // A data dir that had a pool must still have its file, or every account would vanish silently.
  if (options.dataDir) checkUserPool(options.dataDir, dir.path);
  const cognito = await namingPort('cognito', options.port, () =>
    startCognito({
      dataDir: dir.path,
      port: options.port,
      host: options.host,
      region: options.region,
      log: options.log,
      credentials: options.credentials,
      // Cognito's admin and pool operations need a SigV4 signature with the local credentials, as in AWS.
      verifyAdminRequest: options.verifyAdminRequest ?? cognitoAdminVerifier(options.credentials),
    }),
  ).catch(async (err: unknown) => {
    await dir.remove();
    throw err;
  });
  options.log(
    `[local] Cognito (cognito-local behind the Cognito front) on ${cognito.endpoint}, pool ${cognito.userPoolId}`,
  );
  return {
    handle: cognito,
    stop: async () => {
      await cognito.stop();
      await dir.remove();
    },
  };
}

/** The Cognito front's admin-operation check: a SigV4 signature made with the local credentials. */
function cognitoAdminVerifier(credentials: LocalCredentials): AdminRequestVerifier {
  const check = createSigV4Checker({ credentials, service: 'cognito-idp' });
  return async (req, rawBody) => {
    const problem = await check(req.method ?? 'POST', req.url ?? '/', req.headers, rawBody);
    // Cognito names its errors as DynamoDB does: `InvalidSignatureException`, `MissingAuthenticationTokenException`.
    return problem && { code: `${problem.code}Exception`, message: problem.message };
  };
}
