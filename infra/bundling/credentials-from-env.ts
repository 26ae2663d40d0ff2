import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Stand-in for `@aws-sdk/credential-provider-node` in the Lambda bundles
 * (esbuild `--alias`). Every SDK client's default config imports the whole
 * default chain (SSO, STS, web identity, ini files, IMDS): about 125 KB and
 * 14 ms of cold start. Lambda always hands the function role's credentials to
 * the process as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
 * which is the chain's first step, so the environment provider alone resolves
 * exactly what the full chain would there. Run the code anywhere else (the
 * local mode, tests) and it is not bundled, so it keeps the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): AwsCredentialIdentityProvider =>
  fromEnv(init);
