import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Client } from 'graphql-ws';
import { SignJWT, generateKeyPair } from 'jose';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LocalMode } from '../../local/start-local';
import { AppSyncRealtimeClient } from '../helpers/appsync-realtime-client';
import {
  ADMIN,
  PH_SENSOR,
  connectDevice,
  createAccount,
  createDevice,
  gql,
  graphqlWsClient,
  health,
  latestReadings,
  signIn,
  signedInAccount,
  startTestLocal,
} from '../../testkit/local-mode';
import { waitFor } from '../../testkit/wait-for';

const DEVICE_FIELDS =
  'id name enabled configVersion reportedConfigVersion configStatus lastSeenAt sensors { id enabled }';
const CREATE = `mutation Create($input: CreateDeviceInput!) { createDevice(input: $input) { ${DEVICE_FIELDS} } }`;
const ON_CHANGE = `subscription OnChange($deviceId: ID) { onDeviceConfigChanged(deviceId: $deviceId) { id configVersion configStatus reportedConfigVersion } }`;

let local: LocalMode;
let adminToken: string;
let adminAccessToken: string;
let userToken: string;
const closers: (() => Promise<void> | void)[] = [];

const logLines: string[] = [];

beforeAll(async () => {
  local = await startTestLocal({ log: (line) => logLines.push(line) });
  ({ idToken: adminToken, accessToken: adminAccessToken } = await signIn(
    local.outputs,
    ADMIN.email,
    ADMIN.password,
  ));
  ({ idToken: userToken } = await signedInAccount(local, 'viewer@example.com', 'Viewer123!', 'user'));
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await local?.stop();
});

function graphqlWs(token: string | undefined): Client {
  const client = graphqlWsClient(local.outputs, token, { lazy: true });
  closers.push(() => client.dispose());
  return client;
}

/** Collects a graphql-ws subscription's results; `next(n)` resolves once n have arrived. */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const results: { data?: Record<string, unknown> | null; errors?: unknown[] }[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  let fail: (err: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        results.push(value as (typeof results)[number]);
        waiters = waiters.filter((w) => (results.length >= w.n ? (w.resolve(), false) : true));
      },
      error: (err) => fail(err),
      complete: () => undefined,
    },
  );
  closers.push(dispose);
  return {
    results,
    failed,
    next: (n: number) =>
      Promise.race([
        new Promise<void>((resolve) => (results.length >= n ? resolve() : waiters.push({ n, resolve }))),
        failed,
      ]),
  };
}

async function device(clientId: string): Promise<MqttClient> {
  const client = await connectDevice(local.outputs, { clientId });
  closers.push(() => client.endAsync(true));
  return client;
}

function nextMessage(
  client: MqttClient,
  topic: string,
): Promise<{ payload: Record<string, unknown>; retain: boolean }> {
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer, packet: { retain: boolean }) => {
      if (t !== topic) return;
      client.off('message', on);
      resolve({ payload: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain });
    };
    client.on('message', on);
  });
}

/** Active subscriptions on the server, from its public /health. */
const subscriberCount = async () => (await health(local.outputs)).subscriptions;

/** Waits until subscriptions have registered on the server. */
const subscribersAtLeast = (n: number) =>
  waitFor(async () => (await subscriberCount()) >= n, {
    everyMs: 20,
    describe: () => `${n} subscriptions registered`,
  });

describe('local mode: a device round trip', () => {
  it('signs the seeded admin in with InitiateAuth and knows its profile', async () => {
    const me = await gql<{ me: { email: string } }>(local.outputs, adminAccessToken, '{ me { id email } }');
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ email: ADMIN.email });
  });

  it('creates a device, delivers its config over MQTT, and shows the ack to subscribers live', async () => {
    const created = await createDevice(
      local.outputs,
      adminToken,
      {
        id: 'buoy-1',
        name: 'North channel',
        sensorIntervalMs: 60_000,
        sensors: [{ ...PH_SENSOR, unit: 'pH', min: 6, max: 9 }],
      },
      DEVICE_FIELDS,
    );
    expect(created).toMatchObject({
      id: 'buoy-1',
      configVersion: 1,
      configStatus: 'PENDING',
    });

    // The dashboard (graphql-ws) and an Amplify-style client (AppSync protocol) both watch the device.
    const watcher = collect(graphqlWs(adminAccessToken), ON_CHANGE, { deviceId: 'buoy-1' });
    const { client: amplify, ack } = await AppSyncRealtimeClient.connect(
      local.outputs.RealtimeUrl,
      userToken,
    );
    closers.push(() => amplify.close());
    expect(ack).toMatchObject({
      type: 'connection_ack',
      payload: { connectionTimeoutMs: expect.any(Number) },
    });
    expect(await amplify.start('sub-1', ON_CHANGE, { deviceId: 'buoy-1' })).toMatchObject({
      type: 'start_ack',
      id: 'sub-1',
    });
    await subscribersAtLeast(2);

    const station = await device('buoy-1');
    const config = nextMessage(station, 'devices/buoy-1/config');
    await station.subscribeAsync('devices/buoy-1/config', { qos: 1 });
    expect(await config).toMatchObject({ retain: true, payload: { version: 1, sensorIntervalMs: 60_000 } });

    const amplifyData = amplify.nextData('sub-1');
    await station.publishAsync(
      'devices/buoy-1/config/ack',
      JSON.stringify({ version: 1, status: 'applied' }),
      { qos: 1 },
    );
    await watcher.next(1);
    expect(watcher.results[0]?.data?.onDeviceConfigChanged).toMatchObject({
      id: 'buoy-1',
      configStatus: 'APPLIED',
      reportedConfigVersion: 1,
    });
    expect((await amplifyData).payload?.data).toMatchObject({
      onDeviceConfigChanged: { id: 'buoy-1', configStatus: 'APPLIED' },
    });
  });

  it('stores calibrated readings from both topic forms and serves them through the API', async () => {
    const station = await device('buoy-1-readings');
    await station.publishAsync(
      'devices/buoy-1/readings',
      JSON.stringify({ ts: Date.now() - 1000, seq: 1, readings: { ph: 500 } }),
      { qos: 1 },
    );
    await station.publishAsync('buoy-1/reading/sensor/ph', JSON.stringify({ value: '250' }), { qos: 1 });
    // The legacy message arrived last: raw 250 -> 3.5 on the two-point calibration (0 -> 0, 1000 -> 14).
    const ph = await waitFor(
      async () =>
        (await latestReadings(local.outputs, userToken, 'buoy-1', 'sensor value raw outOfRange')).find(
          (r) => r.sensor === 'ph' && r.raw === 250,
        ),
      { describe: () => 'the legacy reading (raw 250) of buoy-1' },
    );
    expect(ph).toMatchObject({ value: 3.5, outOfRange: true });
  });

  it('sends mutations to subscribers of all devices and to no subscriber of another device', async () => {
    const everything = collect(graphqlWs(adminToken), ON_CHANGE, {});
    const other = collect(graphqlWs(adminToken), ON_CHANGE, { deviceId: 'someone-else' });
    await subscribersAtLeast(4);
    const updated = await gql(
      local.outputs,
      adminToken,
      'mutation { updateDevice(input: { id: "buoy-1", name: "Renamed" }) { id configVersion configStatus reportedConfigVersion } }',
    );
    expect(updated.errors).toBeUndefined();
    await everything.next(1);
    expect(everything.results[0]?.data?.onDeviceConfigChanged).toMatchObject({ id: 'buoy-1' });
    expect(everything.results[0]?.errors).toBeUndefined();
    // A marker event for the other device proves the filter had its chance to leak before we look.
    await gql(local.outputs, adminToken, CREATE, { input: { id: 'someone-else', name: 'Other' } });
    await other.next(1);
    expect(other.results.map((r) => (r.data?.onDeviceConfigChanged as { id: string }).id)).toEqual([
      'someone-else',
    ]);
    // An update that selects only id and name: as AppSync, the subscribers get only those, and an
    // error for the non-null configVersion they asked for; the log says why.
    await gql(
      local.outputs,
      adminToken,
      'mutation { updateDevice(input: { id: "buoy-1", name: "Again" }) { id name } }',
    );
    await everything.next(3);
    expect(everything.results[2]?.data).toEqual({ onDeviceConfigChanged: null });
    expect((everything.results[2]?.errors?.[0] as { message?: string } | undefined)?.message).toBe(
      "Cannot return null for non-nullable type: 'Int' within parent 'Device' (/onDeviceConfigChanged/configVersion)",
    );
    expect(logLines).toContainEqual(
      expect.stringMatching(/onDeviceConfigChanged asks for configVersion.*updateDevice mutation/),
    );
  });
});

describe('local mode: authorization as AppSync does it', () => {
  const DEVICES = '{ devices(limit: 5) { items { id } nextToken } }';

  it('answers 401 UnauthorizedException without a token', async () => {
    const response = await gql(local.outputs, undefined, DEVICES);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]).toMatchObject({ errorType: 'UnauthorizedException' });
  });

  it('accepts ID and access tokens, bare or with Bearer', async () => {
    for (const token of [adminToken, adminAccessToken, `Bearer ${adminToken}`]) {
      const response = await gql(local.outputs, token, DEVICES);
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
    }
  });

  it('refuses a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const claims = JSON.parse(Buffer.from(adminToken.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const header = JSON.parse(Buffer.from(adminToken.split('.')[0]!, 'base64url').toString()) as {
      kid: string;
    };
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: header.kid })
      .sign(privateKey);
    const response = await gql(local.outputs, forged, DEVICES);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.errorType).toBe('UnauthorizedException');
  });

  it('refuses an expired token', async () => {
    // Signed with the pool's own key (kept in its data dir), so only the expiry is wrong.
    const key = createPrivateKey(readFileSync(local.cognito.signingKeyFile, 'utf8'));
    const claims = JSON.parse(Buffer.from(adminToken.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const header = JSON.parse(Buffer.from(adminToken.split('.')[0]!, 'base64url').toString()) as {
      kid: string;
    };
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 })
      .setProtectedHeader({ alg: 'RS256', kid: header.kid })
      .sign(key);
    const response = await gql(local.outputs, expired, DEVICES);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]).toMatchObject({
      errorType: 'UnauthorizedException',
      message: 'Token has expired.',
    });
  });

  it('refuses an admin field to the user group with errorType Unauthorized', async () => {
    const response = await gql(local.outputs, userToken, 'mutation { deleteDevice(id: "buoy-1") { id } }');
    expect(response.status).toBe(200);
    expect(response.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access deleteDevice on type Mutation',
      path: ['deleteDevice'],
    });
  });

  it('keeps @aws_iam fields away from user tokens, admins included', async () => {
    const response = await gql(
      local.outputs,
      adminToken,
      'mutation { notifyDeviceConfigChanged(id: "buoy-1") { id } }',
    );
    expect(response.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('refuses a subscription the caller may not open, on both protocols', async () => {
    // Signed in, but in neither group: the subscription field is for admin and user.
    await createAccount(local, 'nogroup@example.com', 'Nogroup123!', null);
    const { idToken: noGroupToken } = await signIn(local.outputs, 'nogroup@example.com', 'Nogroup123!');
    const subscription = 'subscription { onDeviceConfigChanged { id } }';
    const subscribersBefore = await subscriberCount();

    const { client: realtime, ack } = await AppSyncRealtimeClient.connect(
      local.outputs.RealtimeUrl,
      noGroupToken,
    );
    closers.push(() => realtime.close());
    expect(ack.type).toBe('connection_ack');
    expect(await realtime.start('forbidden', subscription)).toMatchObject({
      type: 'error',
      id: 'forbidden',
      payload: {
        errors: [
          {
            errorType: 'Unauthorized',
            message: 'Not Authorized to access onDeviceConfigChanged on type Subscription',
          },
        ],
      },
    });

    const refused = collect(graphqlWs(noGroupToken), subscription, {});
    await refused.next(1);
    expect(refused.results[0]?.errors).toEqual([expect.objectContaining({ errorType: 'Unauthorized' })]);
    expect(await subscriberCount()).toBe(subscribersBefore);
  });

  it('refuses real-time connections and starts with a bad token, on both protocols', async () => {
    const { client, ack } = await AppSyncRealtimeClient.connect(local.outputs.RealtimeUrl, 'not-a-token');
    closers.push(() => client.close());
    expect(ack).toMatchObject({
      type: 'connection_error',
      payload: { errors: [{ errorType: 'UnauthorizedException' }] },
    });

    const { client: realtime } = await AppSyncRealtimeClient.connect(local.outputs.RealtimeUrl, userToken);
    closers.push(() => realtime.close());
    const refused = await realtime.start('bad-token', ON_CHANGE, {}, 'forged.token.value');
    expect(refused).toMatchObject({
      type: 'error',
      payload: { errors: [{ errorType: 'UnauthorizedException' }] },
    });

    const noToken = graphqlWs(undefined);
    const closed = new Promise<unknown>((resolve) => noToken.on('closed', resolve));
    collect(noToken, ON_CHANGE, {});
    expect(await closed).toMatchObject({ code: 4403 });
  });
});

describe('local mode: AppSync request checks', () => {
  it('validates AppSync scalars as AppSync does', async () => {
    const bad = await gql(local.outputs, adminToken, 'query { userRole(email: "not-an-email") { email } }');
    expect(bad.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('AWSEmail'),
    });
    const badVariable = await gql(
      local.outputs,
      adminToken,
      'query R($from: AWSDateTime!) { readings(deviceId: "x", sensor: "ph", from: $from, to: $from) { nextToken } }',
      { from: '2026-13-01' },
    );
    expect(badVariable.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('AWSDateTime'),
    });
  });

  it('refuses deep queries and alias floods before calling the API', async () => {
    // The schema has no cycles, so only introspection can nest this deep.
    const deep = `{ __schema { types { fields { type ${'{ ofType '.repeat(14)}{ name }${' }'.repeat(14)} } } } }`;
    const tooDeep = await gql(local.outputs, adminToken, deep);
    expect(tooDeep.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('too deep'),
    });
    const flood = `{ ${Array.from({ length: 50 }, (_, i) => `d${i}: device(id: "buoy-1") { id }`).join(' ')} }`;
    const flooded = await gql(local.outputs, adminToken, flood);
    expect(flooded.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('Too many top-level fields'),
    });
  });

  it('returns API errors with a top-level errorType and no internals', async () => {
    const response = await gql(local.outputs, adminToken, CREATE, {
      input: { id: 'buoy-1', name: 'Duplicate' },
    });
    expect(response.errors?.[0]).toMatchObject({
      errorType: 'Conflict',
      path: ['createDevice'],
      data: null,
      errorInfo: null,
    });
    expect(JSON.stringify(response.errors)).not.toMatch(/at .*\.ts:\d+|Exception:/);
  });
});
