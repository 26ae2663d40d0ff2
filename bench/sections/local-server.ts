import autocannon from 'autocannon';
import type { Client } from 'graphql-ws';
import { percentile, type BenchFigure, type BenchSection } from '../lib';
import { startLocal, type LocalOutputs } from '../../local/start-local';
import {
  ADMIN,
  FREE_PORTS,
  adminToken,
  connectDevice,
  createDevice,
  gql,
  gqlData,
  graphqlWsClient,
  health,
  linearSensor,
} from '../../testkit/local-mode';
import { sleep, waitFor } from '../../testkit/wait-for';

const DEVICES = 50;
const SUBSCRIBERS = 500;
/** Subscribers with no deviceId argument (they get every change); the rest watch one device each. */
const ALL_DEVICE_SUBSCRIBERS = 50;
const CHANGES = 1_000;
const DURATION_S = 5;

/**
 * The local GraphQL server under load: `device` and `devices` with 50
 * concurrent clients, subscription fan-out (500 graphql-ws subscribers, 1,000
 * config changes), and issue 5's delivery latencies through the broker and
 * the processor. Everything runs in this process on the machine's cores.
 */
export default async function localServer(): Promise<BenchSection> {
  const local = await startLocal({
    ports: FREE_PORTS,
    admin: ADMIN,
    batch: { windowMs: 5_000 },
  });
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  try {
    const token = await adminToken(local.outputs);
    for (let i = 1; i <= DEVICES; i++)
      await createDevice(local.outputs, token, {
        id: `bench-${i}`,
        name: `Bench ${i}`,
        sensors: [linearSensor('ph', 'ph', 4095, 14)],
      });

    for (const [name, query, variables] of [
      [
        'device',
        'query D($id: ID!) { device(id: $id) { id name enabled configVersion configStatus sensors { id enabled calibration { points { raw actual } } } } }',
        { id: 'bench-7' },
      ],
      [
        'devices',
        'query L { devices(limit: 20) { items { id name configVersion configStatus } nextToken } }',
        {},
      ],
    ] as const) {
      const result = await autocannon({
        url: local.outputs.GraphQLUrl,
        method: 'POST',
        connections: 50,
        duration: DURATION_S,
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ query, variables }),
      });
      figures.push(
        { name: `${name}: requests/s (50 clients)`, value: result.requests.average, unit: 'req/s' },
        { name: `${name}: p50 latency`, value: result.latency.p50, unit: 'ms' },
        { name: `${name}: p99 latency`, value: result.latency.p99, unit: 'ms' },
      );
      if (result.non2xx || result.errors)
        notes.push(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} connection errors`);
    }

    // The hub's publish time, so fan-out is also measured apart from the mutation's own work.
    const publishedAt = new Map<string, number>();
    const publish = local.engine.hub.publish.bind(local.engine.hub);
    local.engine.hub.publish = (field, payload) => {
      const d = payload as { id?: string; sensorIntervalMs?: number };
      publishedAt.set(`${d.id}:${d.sensorIntervalMs}`, performance.now());
      return publish(field, payload);
    };
    figures.push(...(await fanOut(local.outputs, token, publishedAt)));
    figures.push(...(await configDelivery(local.outputs, token)));
    notes.push(
      `Server, embedded stores and all clients share this process and its cores; the readings' batch window is 5 s (the SQS setting); acks have their own batcher with no window (their own queue and event source in AWS).`,
    );
  } finally {
    await local.stop();
  }
  return { title: 'Local mode: GraphQL server, subscriptions and config delivery', figures, notes };
}

/** 500 subscribers over graphql-ws, 1,000 config changes spread over the devices. */
async function fanOut(
  outputs: LocalOutputs,
  token: string,
  publishedAt: Map<string, number>,
): Promise<BenchFigure[]> {
  const clients: Client[] = [];
  const latencies: number[] = [];
  const fanOutLatencies: number[] = [];
  const sentAt = new Map<string, number>();
  const expected = new Map<number, number>();
  let delivered = 0;
  let leaked = 0;
  const deviceOf = (i: number) => (i < ALL_DEVICE_SUBSCRIBERS ? null : `bench-${(i % DEVICES) + 1}`);
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const client = graphqlWsClient(outputs, token);
      clients.push(client);
      const wanted = deviceOf(i);
      client.subscribe(
        {
          query: 'subscription S($d: ID) { onDeviceConfigChanged(deviceId: $d) { id sensorIntervalMs } }',
          variables: { d: wanted },
        },
        {
          next: (value) => {
            const device = (
              value.data as { onDeviceConfigChanged: { id: string; sensorIntervalMs: number } } | undefined
            )?.onDeviceConfigChanged;
            if (!device) return;
            if (wanted && device.id !== wanted) {
              leaked++;
              return;
            }
            delivered++;
            const now = performance.now();
            const at = sentAt.get(`${device.id}:${device.sensorIntervalMs}`);
            if (at !== undefined) latencies.push(now - at);
            const published = publishedAt.get(`${device.id}:${device.sensorIntervalMs}`);
            if (published !== undefined) fanOutLatencies.push(now - published);
          },
          error: reject,
          complete: () => undefined,
        },
      );
    }
    // Changes start only once every subscription is registered on the server (its /health count).
    waitFor(async () => (await health(outputs)).subscriptions >= SUBSCRIBERS, {
      timeoutMs: 120_000,
      describe: () => `${SUBSCRIBERS} subscriptions registered`,
    }).then(() => resolve(), reject);
  });

  // Each device is changed in order (no self-conflicts); devices change in parallel, 10 at a time.
  const perDevice = CHANGES / DEVICES;
  let next = 0;
  const worker = async () => {
    // A work queue of devices, not a wait: each worker takes the next until none is left.
    for (let d = next++; d < DEVICES; d = next++) {
      const id = `bench-${d + 1}`;
      for (let k = 1; k <= perDevice; k++) {
        const interval = 60_000 + k * 1_000;
        sentAt.set(`${id}:${interval}`, performance.now());
        await gqlData(
          outputs,
          token,
          // AppSync sends subscribers only what the mutation selects: it selects what they ask for.
          'mutation U($input: UpdateDeviceInput!) { updateDevice(input: $input) { id sensorIntervalMs } }',
          { input: { id, sensorIntervalMs: interval } },
        );
        expected.set(d, (expected.get(d) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  const wantedTotal = CHANGES * ALL_DEVICE_SUBSCRIBERS + (SUBSCRIBERS - ALL_DEVICE_SUBSCRIBERS) * perDevice;
  // Wait for the stream to go quiet: no new delivery for a second (what is missing then counts as lost).
  let last = -1;
  await waitFor(
    () => {
      if (delivered >= wantedTotal || delivered === last) return true;
      last = delivered;
      return false;
    },
    {
      timeoutMs: 300_000,
      everyMs: 1_000,
      describe: () => `the fan-out to go quiet (${delivered} delivered)`,
    },
  );
  await Promise.all(clients.map((c) => c.dispose()));
  const lost = wantedTotal - delivered;
  return [
    { name: 'fan-out: events expected (500 subscribers, 1,000 changes)', value: wantedTotal, unit: 'events' },
    { name: 'fan-out: delivered', value: delivered, unit: 'events' },
    { name: 'fan-out: lost', value: lost, unit: 'events', target: '0', met: lost === 0 },
    {
      name: 'fan-out: leaked to a subscriber of another device',
      value: leaked,
      unit: 'events',
      target: '0',
      met: leaked === 0,
    },
    { name: 'fan-out: p50 server publish -> subscriber', value: percentile(fanOutLatencies, 50), unit: 'ms' },
    {
      name: 'fan-out: p99 server publish -> subscriber',
      value: percentile(fanOutLatencies, 99),
      unit: 'ms',
      target: '< 100 ms',
      met: percentile(fanOutLatencies, 99) < 100,
    },
    {
      name: 'fan-out: p50 mutation sent -> subscriber (10 writers)',
      value: percentile(latencies, 50),
      unit: 'ms',
    },
    {
      name: 'fan-out: p99 mutation sent -> subscriber (10 writers)',
      value: percentile(latencies, 99),
      unit: 'ms',
    },
  ];
}

/** Issue 5: mutation -> device receives its config over MQTT, and device ack -> subscriber sees APPLIED. */
async function configDelivery(outputs: LocalOutputs, token: string): Promise<BenchFigure[]> {
  const device = await connectDevice(outputs);
  const toDevice: number[] = [];
  const toSubscriber: number[] = [];
  const pending = new Map<string, number>();
  device.on('message', (topic, payload) => {
    const version = (JSON.parse(payload.toString()) as { version: number }).version;
    const at = pending.get(`${topic}:${version}`);
    if (at !== undefined) {
      toDevice.push(performance.now() - at);
      pending.delete(`${topic}:${version}`);
    }
  });
  await device.subscribeAsync('devices/+/config', { qos: 1 });
  const version = new Map((await deviceVersions(outputs, token)).map((d) => [d.id, d.configVersion]));
  for (let round = 0; round < 100; round++) {
    const id = `bench-${(round % DEVICES) + 1}`;
    // The publish happens inside the mutation, so the device may have it before the response: key by the version it will carry.
    const next = version.get(id)! + 1;
    version.set(id, next);
    pending.set(`devices/${id}/config:${next}`, performance.now());
    await gql(
      outputs,
      token,
      'mutation U($input: UpdateDeviceInput!) { updateDevice(input: $input) { configVersion } }',
      {
        input: { id, sensorIntervalMs: 120_000 + round * 1_000 },
      },
    );
  }
  await settled(() => pending.size === 0, 2_000, 'every config at the device');

  const watcher = graphqlWsClient(outputs, token);
  const ackSent = new Map<string, number>();
  watcher.subscribe(
    { query: 'subscription { onDeviceConfigChanged { id configStatus reportedConfigVersion } }' },
    {
      next: (value) => {
        const d = (
          value.data as {
            onDeviceConfigChanged: { id: string; configStatus: string; reportedConfigVersion: number } | null;
          } | null
        )?.onDeviceConfigChanged;
        if (!d) return;
        const at = ackSent.get(`${d.id}:${d.reportedConfigVersion}`);
        if (d.configStatus === 'APPLIED' && at !== undefined) {
          toSubscriber.push(performance.now() - at);
          ackSent.delete(`${d.id}:${d.reportedConfigVersion}`);
        }
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  await sleep(300);
  const items = await deviceVersions(outputs, token);
  // Acks spread over ten seconds, as devices answer at their own pace.
  await Promise.all(
    items.map(async (d) => {
      await sleep(Math.random() * 10_000);
      ackSent.set(`${d.id}:${d.configVersion}`, performance.now());
      await device.publishAsync(
        `devices/${d.id}/config/ack`,
        JSON.stringify({ version: d.configVersion, status: 'applied' }),
        { qos: 1 },
      );
    }),
  );
  await settled(() => ackSent.size === 0, 10_000, 'every ack at the subscriber');
  await watcher.dispose();
  await device.endAsync();
  return [
    { name: 'config: p50 mutation -> device has it (MQTT)', value: percentile(toDevice, 50), unit: 'ms' },
    { name: 'config: p99 mutation -> device has it (MQTT)', value: percentile(toDevice, 99), unit: 'ms' },
    {
      name: 'config: p50 device ack -> subscriber sees APPLIED',
      value: percentile(toSubscriber, 50),
      unit: 'ms',
      target: '< 1000 ms (acks have their own path, no batching window)',
      met: percentile(toSubscriber, 50) < 1000,
    },
    {
      name: 'config: p99 device ack -> subscriber sees APPLIED',
      value: percentile(toSubscriber, 99),
      unit: 'ms',
    },
    {
      name: 'config: configs not received by the device',
      value: pending.size,
      unit: 'configs',
      target: '0',
      met: pending.size === 0,
    },
    {
      name: 'config: acks not seen by the subscriber',
      value: ackSent.size,
      unit: 'acks',
      target: '0',
      met: ackSent.size === 0,
    },
  ];
}

async function deviceVersions(outputs: LocalOutputs, token: string) {
  const data = await gqlData<{ devices: { items: { id: string; configVersion: number }[] } }>(
    outputs,
    token,
    '{ devices(limit: 100) { items { id configVersion } } }',
  );
  return data.devices.items;
}

/** Waits up to `ms` for `done`; what has not arrived by then is reported as a figure, not thrown. */
async function settled(done: () => boolean, ms: number, what: string): Promise<void> {
  await waitFor(done, { timeoutMs: ms, everyMs: 100, describe: () => what }).catch(() => undefined);
}
