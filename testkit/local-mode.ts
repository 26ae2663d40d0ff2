import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import { startLocal, type LocalMode, type LocalOptions, type LocalOutputs } from '../local/start-local';
import type { LocalCredentials } from '../local/embedded/local-credentials';
import type { ProcessorStats } from '../local/processor/local-processor';
import type { OutboxEntry } from '../core/alerts/outbox-notification-sender';
import { startSimulator, type Simulator, type SimulatorOptions } from '../local/simulator/simulator';
import { allItems } from './pages';
import { waitFor } from './wait-for';

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

/** The ID token of the seeded admin. */
export async function adminToken(outputs: LocalOutputs): Promise<string> {
  return (await signIn(outputs, ADMIN.email, ADMIN.password)).idToken;
}

/** Creates an account in `group` and signs it in: its tokens. */
export async function signedInAccount(
  local: Pick<LocalMode, 'outputs' | 'credentials'>,
  email: string,
  password: string,
  group: 'admin' | 'user' | null,
) {
  await createAccount(local, email, password, group);
  return signIn(local.outputs, email, password);
}

/** The GraphQL errors of a call that had to succeed. */
export class GraphQLCallError extends Error {
  override readonly name = 'GraphQLCallError';
}

/** {@link gql}, for a call that must succeed: its data, or a {@link GraphQLCallError} naming the errors. */
export async function gqlData<T = Record<string, unknown>>(
  outputs: LocalOutputs,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await gql<T>(outputs, token, query, variables);
  if (response.errors?.length || !response.data)
    throw new GraphQLCallError(
      `${query.slice(0, 60)}: ${response.status} ${JSON.stringify(response.errors)}`,
    );
  return response.data;
}

export { PH_SENSOR, linearSensor } from './device-inputs';

/**
 * Creates a device through the API as `token`'s caller (name = id unless
 * given); answers the `selection` of the created device.
 */
export async function createDevice<T = { id: string }>(
  outputs: LocalOutputs,
  token: string,
  input: { id: string; [field: string]: unknown },
  selection = 'id',
): Promise<T> {
  const data = await gqlData<{ createDevice: T }>(
    outputs,
    token,
    `mutation C($input: CreateDeviceInput!) { createDevice(input: $input) { ${selection} } }`,
    { input: { name: input.id, ...input } },
  );
  return data.createDevice;
}

/** An MQTT client of the local broker that does not reconnect (a test sees a dropped connection). */
export function connectDevice(outputs: Pick<LocalOutputs, 'MqttUrl'>, options: IClientOptions = {}) {
  return mqtt.connectAsync(outputs.MqttUrl, { reconnectPeriod: 0, ...options });
}

/** One reading message of the devices/<id>/readings form. */
export interface ReadingMessage {
  ts?: number;
  seq?: number;
  readings: Record<string, unknown>;
}

/** Publishes each message at QoS 1 on devices/<id>/readings; resolves once the broker acknowledged all. */
export async function publishReadings(
  client: MqttClient,
  deviceId: string,
  messages: readonly ReadingMessage[],
): Promise<void> {
  for (const message of messages)
    await client.publishAsync(`devices/${deviceId}/readings`, JSON.stringify(message), { qos: 1 });
}

/** A device's config acknowledgement, as firmware sends it, from a connection of its own. */
export async function publishConfigAck(mqttUrl: string, deviceId: string, version: number): Promise<void> {
  const device = await mqtt.connectAsync(mqttUrl, { clientId: deviceId, reconnectPeriod: 0 });
  try {
    await device.publishAsync(
      `devices/${deviceId}/config/ack`,
      JSON.stringify({ version, status: 'applied' }),
      {
        qos: 1,
      },
    );
  } finally {
    await device.endAsync();
  }
}

/** The newest reading of each sensor of a device, as `latestReadings` answers (`fields` selected). */
export async function latestReadings<T = { sensor: string; value: number; raw: number }>(
  outputs: LocalOutputs,
  token: string,
  deviceId: string,
  fields = 'sensor value raw',
): Promise<T[]> {
  const data = await gqlData<{ latestReadings: T[] }>(
    outputs,
    token,
    `query L($id: ID!) { latestReadings(deviceId: $id) { ${fields} } }`,
    { id: deviceId },
  );
  return data.latestReadings;
}

/** Every rejected message kept (for `deviceId`, or all), page by page, with the given fields. */
export async function rejectedMessages<T = { id: string; payload: string; reason: string }>(
  outputs: LocalOutputs,
  token: string,
  deviceId?: string,
  fields = 'id payload reason',
): Promise<T[]> {
  return allItems(
    async (nextToken) =>
      (
        await gqlData<{ rejectedMessages: { items: T[]; nextToken?: string | null } }>(
          outputs,
          token,
          `query R($d: ID, $t: String) { rejectedMessages(deviceId: $d, limit: 100, nextToken: $t) { items { ${fields} } nextToken } }`,
          { d: deviceId ?? null, t: nextToken },
        )
      ).rejectedMessages,
  );
}

/** A port nothing listens on now (taken and released at once), for a part or a child process that cannot be told port 0. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What the local mode's public `GET /health` shows. */
export interface LocalHealth {
  status: string;
  subscriptions: number;
  processor: ProcessorStats;
}

/** The local mode's `GET /health`; fails on any answer but 200 ok. */
export async function health(outputs: Pick<LocalOutputs, 'HealthUrl'>): Promise<LocalHealth> {
  const response = await fetch(outputs.HealthUrl);
  const body = (await response.json()) as LocalHealth;
  if (response.status !== 200 || body.status !== 'ok') throw new Error(`health answered ${response.status}`);
  return body;
}

/**
 * Whether the processor has finished what it received, and received more
 * than it had at `since`: every message accepted, rejected or dead-lettered,
 * none waiting in a batch.
 */
export function processedSince(since: Pick<ProcessorStats, 'received'>, now: ProcessorStats): boolean {
  const done = now.accepted + now.rejected + now.deadLettered;
  return now.received > since.received && now.waiting === 0 && done === now.received;
}

/** The notifications the local outbox holds, newest first. */
export async function outbox(outputs: Pick<LocalOutputs, 'OutboxUrl'>): Promise<OutboxEntry[]> {
  return ((await (await fetch(outputs.OutboxUrl)).json()) as { items: OutboxEntry[] }).items;
}

/** A graphql-ws client of the local server (no retries: a refused connection shows). */
export function graphqlWsClient(
  outputs: Pick<LocalOutputs, 'GraphQLUrl'>,
  token: string | undefined,
  options: Partial<ClientOptions> = {},
): Client {
  return createClient({
    url: outputs.GraphQLUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { Authorization: token } : {},
    retryAttempts: 0,
    ...options,
  });
}

/**
 * Waits until at least `atLeast` (1) rejected messages are kept for
 * `deviceId` (or for all devices), and answers them with the given fields.
 */
export function waitForRejected<T = { id: string; payload: string; reason: string }>(
  outputs: LocalOutputs,
  token: string,
  {
    deviceId,
    fields,
    atLeast = 1,
    timeoutMs,
  }: { deviceId?: string; fields?: string; atLeast?: number; timeoutMs?: number } = {},
): Promise<T[]> {
  return waitFor(
    async () => {
      const kept = await rejectedMessages<T>(outputs, token, deviceId, fields);
      return kept.length >= atLeast && kept;
    },
    { timeoutMs, describe: () => `${atLeast} rejected message(s) of ${deviceId ?? 'any device'}` },
  );
}

/** The device simulator as the seeded admin, one reading a second per station unless told otherwise. */
export function startTestSimulator(
  outputs: SimulatorOptions['outputs'],
  options: Partial<Omit<SimulatorOptions, 'outputs'>> & Pick<SimulatorOptions, 'devices'>,
): Promise<Simulator> {
  return startSimulator({
    outputs,
    intervalMs: 1_000,
    email: ADMIN.email,
    password: ADMIN.password,
    ...options,
  });
}
