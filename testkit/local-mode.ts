import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startLocal, type LocalMode, type LocalOptions, type LocalOutputs } from '../local/start-local';
import type { LocalCredentials } from '../local/embedded/local-credentials';

export const ADMIN = { email: 'admin@example.com', password: 'Admin123!' };
export const FREE_PORTS = { graphql: 0, mqtt: 0, mqttWs: 0, cognito: 0, dynamodb: 0 };

/** A temporary data folder, removed by the returned function. */
export function tempDir(prefix = 'yvr-local-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the local mode on free ports with a short batch window (tests wait on results, never on time). */
export function startTestLocal(options: LocalOptions = {}): Promise<LocalMode> {
  return startLocal({ ports: FREE_PORTS, admin: ADMIN, batch: { windowMs: 50 }, ...options });
}

/** Cognito's ordinary InitiateAuth (USER_PASSWORD_AUTH) against the local endpoint; returns the tokens. */
export async function signIn(outputs: LocalOutputs, email: string, password: string) {
  const client = new CognitoIdentityProviderClient(cognitoConfig(outputs));
  try {
    const result = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: outputs.UserPoolClientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const r = result.AuthenticationResult!;
    return { idToken: r.IdToken!, accessToken: r.AccessToken! };
  } finally {
    client.destroy();
  }
}

/**
 * Creates a user in `group` (or in none) through Cognito's admin API, as an
 * operator would: signed with the local mode's credentials.
 */
export async function createAccount(
  local: Pick<LocalMode, 'outputs' | 'credentials'>,
  email: string,
  password: string,
  group: 'admin' | 'user' | null,
) {
  const { outputs } = local;
  const client = new CognitoIdentityProviderClient(cognitoConfig(outputs, local.credentials));
  try {
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: outputs.UserPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const username = created.User!.Username!;
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: outputs.UserPoolId,
        Username: username,
        Password: password,
        Permanent: true,
      }),
    );
    if (group)
      await client.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: outputs.UserPoolId,
          Username: username,
          GroupName: group,
        }),
      );
  } finally {
    client.destroy();
  }
}

// Sign-in is open (as in AWS), so any key pair will do for it; admin calls need the local one.
const cognitoConfig = (outputs: LocalOutputs, credentials?: LocalCredentials) => ({
  endpoint: outputs.CognitoEndpoint,
  region: outputs.Region,
  credentials: credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
});

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; errorType: string; path?: (string | number)[] | null }[];
}

/** POSTs a GraphQL request as AppSync takes it (bare token in Authorization). */
export async function gql<T = Record<string, unknown>>(
  outputs: LocalOutputs,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(outputs.GraphQLUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}
