import { Amplify } from 'aws-amplify';
import { fetchAuthSession, fetchUserAttributes, signIn, signOut } from 'aws-amplify/auth';
import { CONNECTION_STATE_CHANGE, ConnectionState, generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
// Pure timers, no Node API: it runs in the browser page too.
import { waitFor } from '../../testkit/wait-for';

/**
 * The dashboard's flow with the real `aws-amplify` package, configured as a
 * dashboard configures it from outputs.json: no shim, no URL rewriting. The
 * same code runs in Node (test/e2e/amplify-node.test.ts, in a child process)
 * and in Chromium (test/browser/amplify.browser.test.ts, bundled by esbuild).
 */
export interface AmplifyFlowInput {
  outputs: {
    GraphQLUrl: string;
    UserPoolId: string;
    UserPoolClientId: string;
    CognitoEndpoint: string;
    Region: string;
  };
  email: string;
  password: string;
  deviceId: string;
  /** Publishes `devices/{deviceId}/config/ack` as the device would (an MQTT client outside Amplify). */
  publishAck(deviceId: string, version: number): Promise<void>;
}

export interface FlowStep {
  step: string;
  ok: boolean;
  detail: string;
}

export const FLOW_STEPS = [
  'wrong password',
  'sign in',
  'query',
  'mutation',
  'subscription receives a change',
  'subscription receives a device ack',
  'forced token refresh',
  'sign out',
] as const;

const STEP_TIMEOUT_MS = 20_000;

/** Runs every step, in order, and reports each; a failed step does not hide the ones after it. */
export async function runAmplifyFlow(input: AmplifyFlowInput): Promise<FlowStep[]> {
  const { outputs, deviceId } = input;
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: outputs.UserPoolId,
        userPoolClientId: outputs.UserPoolClientId,
        userPoolEndpoint: outputs.CognitoEndpoint,
      },
    },
    API: {
      GraphQL: { endpoint: outputs.GraphQLUrl, region: outputs.Region, defaultAuthMode: 'userPool' },
    },
  });
  // Amplify's generated types for untyped documents are too deep for tsc here; this is the shape used.
  const client = generateClient() as unknown as GraphqlClient;
  const steps: FlowStep[] = [];
  const step = async (name: (typeof FLOW_STEPS)[number], run: () => Promise<string>) => {
    try {
      steps.push({ step: name, ok: true, detail: await withTimeout(run(), name) });
    } catch (err) {
      steps.push({ step: name, ok: false, detail: describe(err) });
    }
  };

  await step('wrong password', async () => {
    try {
      await signIn({
        username: input.email,
        password: `${input.password}-wrong`,
        options: { authFlowType: 'USER_PASSWORD_AUTH' },
      });
    } catch (err) {
      const { name, message } = err as Error;
      if (name === 'NotAuthorizedException' && message === 'Incorrect username or password.')
        return `${name}: ${message}`;
      throw new Error(`wrong error: ${name}: ${message}`);
    }
    throw new Error('a wrong password signed in');
  });

  await step('sign in', async () => {
    const result = await signIn({
      username: input.email,
      password: input.password,
      options: { authFlowType: 'USER_PASSWORD_AUTH' },
    });
    if (!result.isSignedIn) throw new Error(`not signed in: next step ${result.nextStep.signInStep}`);
    const attributes = await fetchUserAttributes();
    if (attributes.email !== input.email) throw new Error(`fetchUserAttributes gave ${attributes.email}`);
    return `signed in as ${attributes.email}`;
  });

  await step('query', async () => {
    const result = await graphql(client, { query: '{ devices(limit: 5) { items { id } } }' });
    return `devices: ${JSON.stringify(result)}`;
  });

  await step('mutation', async () => {
    const result = await graphql(client, {
      query: `mutation ($input: CreateDeviceInput!) { createDevice(input: $input) { id configVersion } }`,
      variables: {
        input: { id: deviceId, name: 'Amplify buoy', sensors: [{ id: 'ph', measurement: 'ph' }] },
      },
    });
    return JSON.stringify(result);
  });

  // One subscription for both events: a change by a mutation, then the device's ack.
  const events: { configVersion?: number; configStatus?: string; reportedConfigVersion?: number | null }[] =
    [];
  let subscription: { unsubscribe(): void } | undefined;
  const until = (what: string, test: () => boolean) =>
    waitFor(test, { timeoutMs: STEP_TIMEOUT_MS, everyMs: 20, describe: () => what });

  await step('subscription receives a change', async () => {
    const connected = new Promise<void>((resolve) => {
      const stop = Hub.listen('api', ({ payload }) => {
        const data = payload.data as { connectionState?: string } | undefined;
        if (
          payload.event === CONNECTION_STATE_CHANGE &&
          data?.connectionState === ConnectionState.Connected
        ) {
          stop();
          resolve();
        }
      });
    });
    const observable = client.graphql({
      query: `subscription ($deviceId: ID) { onDeviceConfigChanged(deviceId: $deviceId) { id configVersion configStatus reportedConfigVersion } }`,
      variables: { deviceId },
    }) as unknown as {
      subscribe(o: { next(v: { data: Record<string, unknown> }): void; error(e: unknown): void }): {
        unsubscribe(): void;
      };
    };
    let failure: unknown;
    subscription = observable.subscribe({
      next: ({ data }) => {
        events.push(data.onDeviceConfigChanged as (typeof events)[number]);
      },
      error: (err) => {
        failure = err;
      },
    });
    await connected;
    await graphql(client, {
      // AppSync hands subscribers only what the mutation selected: select what the subscription asks for.
      query:
        'mutation ($input: UpdateDeviceInput!) { updateDevice(input: $input) { id configVersion configStatus reportedConfigVersion } }',
      variables: { input: { id: deviceId, sensorIntervalMs: 120_000 } },
    });
    await until(
      'the change event (configVersion 2)',
      () => failure !== undefined || events.some((e) => e.configVersion === 2),
    );
    if (failure) throw failure;
    return `event: ${JSON.stringify(events.find((e) => e.configVersion === 2))}`;
  });

  await step('subscription receives a device ack', async () => {
    await input.publishAck(deviceId, 2);
    await until('the ack event (APPLIED, version 2)', () =>
      events.some((e) => e.configStatus === 'APPLIED' && e.reportedConfigVersion === 2),
    );
    return `event: ${JSON.stringify(events.at(-1))}`;
  });
  subscription?.unsubscribe();

  let lastAccessToken: string | undefined;
  await step('forced token refresh', async () => {
    const before = (await fetchAuthSession()).tokens;
    const after = (await fetchAuthSession({ forceRefresh: true })).tokens;
    if (!before || !after) throw new Error('no tokens in the session');
    if (after.accessToken.toString() === before.accessToken.toString())
      throw new Error('the access token did not change');
    if (after.accessToken.payload.origin_jti !== before.accessToken.payload.origin_jti)
      throw new Error('the refreshed token comes from another refresh token');
    lastAccessToken = after.accessToken.toString();
    // The refreshed token is the one Amplify now sends, and the API takes it.
    await graphql(client, { query: '{ devices(limit: 1) { items { id } } }' });
    return `new access token expires ${new Date(Number(after.accessToken.payload.exp) * 1000).toISOString()}`;
  });

  await step('sign out', async () => {
    await signOut({ global: true });
    const session = await fetchAuthSession();
    if (session.tokens) throw new Error('tokens are still in the session');
    // Signed out globally: Cognito no longer takes the last access token.
    const response = await fetch(outputs.CognitoEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser',
      },
      body: JSON.stringify({ AccessToken: lastAccessToken }),
    });
    const body = (await response.json()) as { __type?: string; message?: string };
    if (body.__type !== 'NotAuthorizedException')
      throw new Error(`GetUser still answers: ${JSON.stringify(body)}`);
    return `signed out; the old access token: ${body.message}`;
  });

  return steps;
}

interface GraphqlClient {
  graphql(request: { query: string; variables?: Record<string, unknown> }): unknown;
}

async function graphql(
  client: GraphqlClient,
  request: { query: string; variables?: Record<string, unknown> },
): Promise<unknown> {
  try {
    const result = (await client.graphql(request)) as { data?: unknown; errors?: unknown[] };
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data;
  } catch (err) {
    // Amplify rejects with the GraphQL result itself when it carries errors.
    const errors = (err as { errors?: unknown[] }).errors;
    if (errors) throw new Error(JSON.stringify(errors));
    throw err;
  }
}

function withTimeout<T>(promise: Promise<T>, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name}: no answer in ${STEP_TIMEOUT_MS} ms`)),
        STEP_TIMEOUT_MS,
      );
    }),
  ]);
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/** The account operations of the dashboard's profile pages, with the real Amplify (Node test). */
export interface AmplifyAccountFlowInput {
  outputs: AmplifyFlowInput['outputs'];
  /** An account an admin made with a temporary password. */
  email: string;
  temporaryPassword: string;
  /** The code the pool sent to `email` (the test reads the local mode's log of sent codes). */
  codeFor(email: string): Promise<string>;
}

export const ACCOUNT_FLOW_STEPS = [
  'first sign-in asks for a new password',
  'updatePassword',
  'signOut revokes the refresh token',
  'resetPassword and confirmResetPassword',
] as const;

/** Runs the account steps in order, reporting each. Call after Amplify is configured (runAmplifyFlow). */
export async function runAmplifyAccountFlow(input: AmplifyAccountFlowInput): Promise<FlowStep[]> {
  const { email } = input;
  const auth = await import('aws-amplify/auth');
  const { cognitoUserPoolsTokenProvider } = await import('aws-amplify/auth/cognito');
  // Amplify's own storage hook: lets the test see the refresh token Amplify keeps.
  const stored = new Map<string, string>();
  cognitoUserPoolsTokenProvider.setKeyValueStorage({
    setItem: async (k, v) => void stored.set(k, v),
    getItem: async (k) => stored.get(k) ?? null,
    removeItem: async (k) => void stored.delete(k),
    clear: async () => stored.clear(),
  });
  const steps: FlowStep[] = [];
  const step = async (name: (typeof ACCOUNT_FLOW_STEPS)[number], run: () => Promise<string>) => {
    try {
      steps.push({ step: name, ok: true, detail: await withTimeout(run(), name) });
    } catch (err) {
      steps.push({ step: name, ok: false, detail: describe(err) });
    }
  };
  const passwordSignIn = (password: string) =>
    auth.signIn({ username: email, password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });

  await step('first sign-in asks for a new password', async () => {
    const first = await passwordSignIn(input.temporaryPassword);
    if (first.nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED')
      throw new Error(`next step ${first.nextStep.signInStep}`);
    const done = await auth.confirmSignIn({ challengeResponse: 'Permanent1!' });
    if (!done.isSignedIn) throw new Error(`not signed in: ${done.nextStep.signInStep}`);
    return 'NEW_PASSWORD_REQUIRED answered with confirmSignIn';
  });

  await step('updatePassword', async () => {
    await auth.updatePassword({ oldPassword: 'Permanent1!', newPassword: 'Updated12!' });
    await auth.signOut();
    const again = await passwordSignIn('Updated12!');
    if (!again.isSignedIn) throw new Error('the new password does not sign in');
    return 'the new password signs in';
  });

  await step('signOut revokes the refresh token', async () => {
    const key = [...stored.keys()].find((k) => k.endsWith('.refreshToken'));
    const refreshToken = key ? stored.get(key) : undefined;
    if (!refreshToken)
      throw new Error(`no refresh token in Amplify's storage (${[...stored.keys()].join(', ')})`);
    await auth.signOut();
    const response = await fetch(input.outputs.CognitoEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.GetTokensFromRefreshToken',
      },
      body: JSON.stringify({ ClientId: input.outputs.UserPoolClientId, RefreshToken: refreshToken }),
    });
    const body = (await response.json()) as { __type?: string; message?: string };
    if (body.__type !== 'NotAuthorizedException')
      throw new Error(`the refresh token still works: ${JSON.stringify(body)}`);
    return `after signOut: ${body.__type}: ${body.message}`;
  });

  await step('resetPassword and confirmResetPassword', async () => {
    const reset = await auth.resetPassword({ username: email });
    if (reset.nextStep.resetPasswordStep !== 'CONFIRM_RESET_PASSWORD_WITH_CODE')
      throw new Error(`next step ${reset.nextStep.resetPasswordStep}`);
    const code = await input.codeFor(email);
    await auth.confirmResetPassword({ username: email, confirmationCode: code, newPassword: 'Reset1234!' });
    const after = await passwordSignIn('Reset1234!');
    if (!after.isSignedIn) throw new Error('the reset password does not sign in');
    await auth.signOut();
    return `code sent by ${reset.nextStep.codeDeliveryDetails?.deliveryMedium}; the new password signs in`;
  });

  return steps;
}
