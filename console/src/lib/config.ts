import { Amplify } from 'aws-amplify';

/**
 * What the console needs to reach the API, fetched from `config.json` next to
 * index.html: the local server writes it from its outputs, the CDK deploy from
 * the stack's outputs (infra/constructs/console.ts). Names as in outputs.json.
 */
export interface ConsoleConfig {
  GraphQLUrl: string;
  Region: string;
  UserPoolId: string;
  UserPoolClientId: string;
  /** Only where Cognito is not AWS's own endpoint (cognito-local). */
  CognitoEndpoint?: string;
  /** cognito-local has no SRP: the local server says USER_PASSWORD_AUTH. */
  AuthFlowType?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';
  /** Local mode or a stage name, shown in the header. */
  Stage?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const REQUIRED = ['GraphQLUrl', 'Region', 'UserPoolId', 'UserPoolClientId'] as const;

/** Fetches and checks config.json; throws ConfigError saying what is wrong. */
export async function loadConfig(
  url = 'config.json',
  fetchImpl: typeof fetch = fetch,
): Promise<ConsoleConfig> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store' });
  } catch (err) {
    throw new ConfigError(`Could not fetch ${url}: ${(err as Error).message}. Is the server running?`);
  }
  if (!response.ok) throw new ConfigError(`Could not fetch ${url}: HTTP ${response.status}.`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError(`${url} is not JSON.`);
  }
  const config = body as Partial<ConsoleConfig>;
  const missing = REQUIRED.filter((k) => typeof config[k] !== 'string' || config[k] === '');
  if (missing.length) throw new ConfigError(`${url} lacks ${missing.join(', ')}.`);
  return config as ConsoleConfig;
}

/** Points Amplify at the API and the user pool. */
export function configureAmplify(config: ConsoleConfig): void {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.UserPoolId,
        userPoolClientId: config.UserPoolClientId,
        ...(config.CognitoEndpoint ? { userPoolEndpoint: config.CognitoEndpoint } : {}),
        loginWith: { email: true },
      },
    },
    API: {
      GraphQL: {
        endpoint: config.GraphQLUrl,
        region: config.Region,
        defaultAuthMode: 'userPool',
      },
    },
  });
}
