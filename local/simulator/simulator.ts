import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalOutputs } from '../start-local';
import { sensorInputs, type Anomaly } from './sensors';
import { Station } from './station';

export interface SimulatorOptions {
  outputs: Pick<LocalOutputs, 'GraphQLUrl' | 'MqttUrl' | 'CognitoEndpoint' | 'UserPoolClientId' | 'Region'>;
  devices: number;
  intervalMs: number;
  email: string;
  password: string;
  /** How many of the devices run legacy firmware (the last ones); default 1 when there are two or more. */
  legacyDevices?: number;
  devicePassword?: string | undefined;
  /** Rare random spikes in the walks (default true). */
  randomSpikes?: boolean;
  /** Every n-th message of each station carries a spike / an out-of-span value (docs/QUALITY.md). */
  spikeEvery?: number;
  outOfSpanEvery?: number;
  onLog?: (line: string) => void;
}

export interface SimulatorStats {
  sent: number;
  acks: number;
  stations: number;
}

export interface Simulator {
  stats(): SimulatorStats;
  /** One station's sensor reports `actual` for the next `readings` readings (then returns to normal). */
  excursion(deviceId: string, sensorId: string, actual: number, readings: number): void;
  /** The next reading of one station's sensor carries the anomaly. */
  inject(deviceId: string, sensor: string, anomaly: Anomaly): void;
  stop(): Promise<void>;
}

/**
 * Signs in as the admin, creates sim-1..sim-N (ten calibrated sensors each)
 * when missing, and runs one station per device over MQTT.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const log = options.onLog ?? (() => undefined);
  const token = await signIn(options);
  const legacy = options.legacyDevices ?? (options.devices >= 2 ? 1 : 0);
  const stats: SimulatorStats = { sent: 0, acks: 0, stations: 0 };
  const stations: Station[] = [];
  const byId = new Map<string, Station>();
  try {
    for (let i = 1; i <= options.devices; i++) {
      const id = `sim-${i}`;
      await ensureDevice(options.outputs.GraphQLUrl, token, id, options.intervalMs, log);
      const station = new Station({
        deviceId: id,
        mqttUrl: options.outputs.MqttUrl,
        legacy: i > options.devices - legacy,
        intervalMs: options.intervalMs,
        password: options.devicePassword,
        ...(options.randomSpikes !== undefined ? { randomSpikes: options.randomSpikes } : {}),
        ...(options.spikeEvery ? { spikeEvery: options.spikeEvery } : {}),
        ...(options.outOfSpanEvery ? { outOfSpanEvery: options.outOfSpanEvery } : {}),
        onSent: (n) => (stats.sent += n),
        onAck: () => stats.acks++,
        onLog: log,
      });
      await station.start();
      stations.push(station);
      byId.set(id, station);
      stats.stations++;
    }
  } catch (err) {
    await Promise.all(stations.map((s) => s.stop()));
    throw err;
  }
  return {
    stats: () => ({ ...stats }),
    excursion: (deviceId, sensorId, actual, readings) => {
      const station = byId.get(deviceId);
      if (!station)
        throw new Error(`No simulated station ${deviceId}; they are sim-1..sim-${stations.length}`);
      station.excursion(sensorId, actual, readings);
    },
    inject: (deviceId, sensor, anomaly) => {
      const station = byId.get(deviceId);
      if (!station)
        throw new Error(`No simulated station ${deviceId}; they are sim-1..sim-${stations.length}`);
      station.inject(sensor, anomaly);
    },
    stop: async () => {
      await Promise.all(stations.map((s) => s.stop()));
    },
  };
}

async function signIn(options: SimulatorOptions): Promise<string> {
  const client = new CognitoIdentityProviderClient({
    endpoint: options.outputs.CognitoEndpoint,
    region: options.outputs.Region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const result = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: options.outputs.UserPoolClientId,
        AuthParameters: { USERNAME: options.email, PASSWORD: options.password },
      }),
    );
    const token = result.AuthenticationResult?.IdToken;
    if (!token) throw new Error('Cognito answered without tokens');
    return token;
  } catch (err) {
    throw new Error(
      `Could not sign in as ${options.email}: ${(err as Error).message}. Set LOCAL_ADMIN_EMAIL / LOCAL_ADMIN_PASSWORD to the local admin's.`,
      { cause: err },
    );
  } finally {
    client.destroy();
  }
}

async function ensureDevice(
  url: string,
  token: string,
  id: string,
  intervalMs: number,
  log: (line: string) => void,
) {
  const found = await graphql(url, token, 'query Find($id: ID!) { device(id: $id) { id } }', { id });
  if ((found.data as { device: unknown } | null)?.device) return;
  const created = await graphql(
    url,
    token,
    'mutation Create($input: CreateDeviceInput!) { createDevice(input: $input) { id configVersion } }',
    {
      input: {
        id,
        name: `Simulated buoy ${id.slice(4)}`,
        description: 'Created by npm run simulate',
        sensorIntervalMs: intervalMs,
        sensors: sensorInputs(),
      },
    },
  );
  if (created.errors?.length)
    throw new Error(`Could not create ${id}: ${created.errors.map((e) => e.message).join('; ')}`);
  log(`created ${id}`);
}

async function graphql(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
  if (response.status !== 200)
    throw new Error(`GraphQL answered ${response.status}: ${body.errors?.[0]?.message ?? ''}`);
  return body;
}
