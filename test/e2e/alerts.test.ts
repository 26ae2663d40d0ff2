import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/start-local';
import type { Simulator } from '../../local/simulator/simulator';
import { ALERT_SELECTION } from '../../core/alerts/notifier';
import { AppSyncRealtimeClient } from '../helpers/appsync-realtime-client';
import {
  ADMIN,
  adminToken as signInAdmin,
  createDevice,
  gql,
  graphqlWsClient,
  health,
  latestReadings,
  outbox as outboxOf,
  signedInAccount,
  startTestLocal,
  startTestSimulator,
} from '../../testkit/local-mode';
import { waitFor } from '../../testkit/wait-for';

// The done-when scenario of issue 15 in the local mode: a simulated station's pH leaves its limits for
// longer than its rule, one alert opens, reaches subscribers of both WebSocket protocols and the
// outbox, is acknowledged by a user and closes once pH is back.
const ON_ALERT = `subscription OnAlert($deviceId: ID) { onAlertChanged(deviceId: $deviceId) ${ALERT_SELECTION} }`;

let local: LocalMode;
let simulator: Simulator | undefined;
let adminToken: string;
let userToken: string;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  local = await startTestLocal();
  adminToken = await signInAdmin(local.outputs);
  ({ idToken: userToken } = await signedInAccount(local, 'operator@example.com', 'Operator123!', 'user'));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await simulator?.stop();
  await local?.stop();
});

type AlertEvent = { id: string; state: string; kind: string; sensor: string | null; deviceId: string };

/** Collects onAlertChanged events over graphql-ws. */
function graphqlWs(deviceId: string) {
  const events: AlertEvent[] = [];
  const client = graphqlWsClient(local.outputs, userToken);
  closers.push(() => client.dispose());
  client.subscribe(
    { query: ON_ALERT, variables: { deviceId } },
    {
      next: (v) => events.push((v.data as { onAlertChanged: AlertEvent }).onAlertChanged),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return events;
}

/** Waits (up to 30 s) for `read` to give a value. */
const until = <T>(what: string, read: () => Promise<T | undefined | false> | T | undefined | false) =>
  waitFor(read, { timeoutMs: 30_000, everyMs: 100, describe: () => what });

describe('alerts in the local mode', () => {
  it('lets a user acknowledge alerts but not change the rules', async () => {
    await createDevice(local.outputs, adminToken, { id: 'rules-1', name: 'R' });
    const changed = await gql(
      local.outputs,
      userToken,
      'mutation { updateDevice(input: { id: "rules-1", silenceAfterIntervals: 5 }) { id } }',
    );
    expect(changed.errors?.[0]?.errorType).toBe('Unauthorized');
    const bad = await gql(
      local.outputs,
      adminToken,
      'mutation { updateDevice(input: { id: "rules-1", sensors: [{ id: "ph", measurement: "ph", min: 6, max: 9, alert: { afterReadings: 0, deadband: 2 } }] }) { id } }',
    );
    expect(bad.errors?.[0]?.errorType).toBe('ValidationError');
    expect(bad.errors?.[0]?.message).toContain('input.sensors.0.alert.afterReadings');
    const listed = await gql<{ alerts: { items: unknown[] } }>(
      local.outputs,
      userToken,
      '{ alerts { items { id } nextToken } }',
    );
    expect(listed.errors).toBeUndefined();
  });

  it('opens one alert for a pH excursion, delivers open, acknowledge and resolve to both protocols and the outbox', async () => {
    // The admin opts in for this station only.
    const me = await gql<{ me: { id: string } }>(local.outputs, adminToken, '{ me { id } }');
    const opted = await gql(
      local.outputs,
      adminToken,
      'mutation($id: ID!) { updateUser(input: { id: $id, notifyByEmail: true, followedDeviceIds: ["sim-1"] }) { notifyByEmail followedDeviceIds } }',
      { id: me.data!.me.id },
    );
    expect(opted.errors).toBeUndefined();

    simulator = await startTestSimulator(local.outputs, { devices: 1, legacyDevices: 0 });
    const overWs = graphqlWs('sim-1');
    const elsewhere = graphqlWs('sim-2');
    const { client: appsync } = await AppSyncRealtimeClient.connect(local.outputs.RealtimeUrl, userToken);
    closers.push(() => appsync.close());
    expect((await appsync.start('a1', ON_ALERT, { deviceId: 'sim-1' })).type).toBe('start_ack');
    const overAppSync: AlertEvent[] = [];
    const collect = () =>
      appsync.nextData('a1').then((m) => {
        overAppSync.push((m.payload?.data as { onAlertChanged: AlertEvent }).onAlertChanged);
        void collect();
      });
    void collect();
    await until('subscriptions', async () => (await health(local.outputs)).subscriptions >= 3);
    // Readings flow first, so the excursion starts from normal values.
    await until(
      'sim-1 readings',
      async () => (await latestReadings(local.outputs, adminToken, 'sim-1', 'sensor')).length > 0,
    );

    // pH 9.6 (max 8.5) for five readings; the rule opens after three.
    simulator.excursion('sim-1', 'ph', 9.6, 5);
    const opened = await until('the open event', () => overWs.find((e) => e.state === 'OPEN'));
    expect(opened).toMatchObject({ deviceId: 'sim-1', sensor: 'ph', kind: 'HIGH' });

    const device = await gql<{ device: { openAlerts: number } }>(
      local.outputs,
      userToken,
      '{ device(id: "sim-1") { openAlerts } }',
    );
    expect(device.data?.device.openAlerts).toBe(1);

    const acked = await gql<{ acknowledgeAlert: { state: string; acknowledgedBy: string; note: string } }>(
      local.outputs,
      userToken,
      `mutation($id: ID!) { acknowledgeAlert(id: $id, note: "checking the outfall") ${ALERT_SELECTION} }`,
      { id: opened.id },
    );
    expect(acked.errors).toBeUndefined();
    expect(acked.data?.acknowledgeAlert).toMatchObject({
      state: 'ACKNOWLEDGED',
      note: 'checking the outfall',
    });

    await until('the resolve event', () => overWs.find((e) => e.state === 'RESOLVED'));
    await until('the resolve event over AppSync', () => overAppSync.find((e) => e.state === 'RESOLVED'));
    const states = (events: AlertEvent[]) => events.filter((e) => e.id === opened.id).map((e) => e.state);
    expect(states(overWs)).toEqual(['OPEN', 'ACKNOWLEDGED', 'RESOLVED']);
    expect(states(overAppSync)).toEqual(['OPEN', 'ACKNOWLEDGED', 'RESOLVED']);
    expect(elsewhere).toEqual([]);

    const listed = await gql<{ alerts: { items: AlertEvent[] } }>(
      local.outputs,
      userToken,
      '{ alerts(deviceId: "sim-1") { items { id state kind sensor deviceId } } }',
    );
    expect(listed.data?.alerts.items).toEqual([
      { id: opened.id, state: 'RESOLVED', kind: 'HIGH', sensor: 'ph', deviceId: 'sim-1' },
    ]);

    const outbox = await until('three notifications', async () => {
      const mine = (await outboxOf(local.outputs)).filter((e) => e.alertId === opened.id);
      return mine.length >= 3 && mine;
    });
    // Newest first.
    expect(outbox.map((e) => e.change)).toEqual(['resolved', 'acknowledged', 'opened']);
    for (const entry of outbox)
      expect(entry.recipients).toEqual([expect.objectContaining({ email: ADMIN.email })]);
    expect(outbox[2]!.text).toContain('Limit: 8.5 pH');
  }, 60_000);
});
