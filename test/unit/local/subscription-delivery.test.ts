import { describe, expect, it } from 'vitest';
import type { CognitoIdentity } from '../../../local/server/auth';
import { Engine, type AppSyncResult } from '../../../local/server/engine';
import { loadLocalSchema } from '../../../local/server/schema';

// AppSync hands subscribers only the fields the triggering mutation selected; a non-null field a
// subscriber asks for beyond them is an error. The local server must do the same, or the local
// mode hides the very bug (a backend mutation selecting too little) it exists to catch.

const admin: CognitoIdentity = {
  sub: 'admin-sub',
  username: 'admin',
  groups: ['admin'],
  claims: {},
  issuer: 'local',
  sourceIp: ['127.0.0.1'],
  defaultAuthStrategy: 'ALLOW',
};

const DEVICE = {
  id: 'b1',
  name: 'Buoy one',
  description: 'north channel',
  enabled: true,
  location: { latitude: 49.19, longitude: -123.18 },
  sensorIntervalMs: 600_000,
  sensors: [
    {
      id: 'ph',
      measurement: 'ph',
      unit: 'pH',
      enabled: true,
      min: 6,
      max: 9,
      alertsEnabled: false,
      alert: { afterReadings: 1, deadband: 0, afterMinutes: null },
      decimals: 2,
      calibration: null,
      qc: null,
    },
  ],
  configVersion: 3,
  reportedConfigVersion: 3,
  configStatus: 'APPLIED',
  configRejectedReason: null,
  delivery: null,
  lastSeenAt: null,
  createdAt: '2026-11-27T00:00:00.000Z',
  updatedAt: '2026-11-27T00:00:00.000Z',
  updatedBy: 'admin',
  deletedAt: null,
  silenceAfterIntervals: 3,
  openAlerts: 0,
};

function engine() {
  return new Engine({ localSchema: loadLocalSchema(), invoker: async () => structuredClone(DEVICE) });
}

async function firstEvent(e: Engine, subscription: string): Promise<() => Promise<AppSyncResult>> {
  const iterator = await e.subscribe({ query: subscription }, { identity: admin, headers: {} });
  if (!(Symbol.asyncIterator in iterator)) throw new Error(JSON.stringify(iterator));
  return async () => (await iterator.next()).value as AppSyncResult;
}

const WANTS =
  'subscription { onDeviceConfigChanged(deviceId: "b1") { id name configVersion description sensors { id unit } } }';

describe('local subscription delivery', () => {
  it("sends a subscriber only the mutation's selection, with AppSync's error for a missing non-null field", async () => {
    const e = engine();
    const next = await firstEvent(e, WANTS);
    const answer = await e.execute(
      { query: 'mutation { updateDevice(input: { id: "b1", name: "x" }) { id configVersion } }' },
      { identity: admin, headers: {} },
    );
    // The mutation's own caller still gets what it asked for.
    expect(answer.data).toEqual({ updateDevice: { id: 'b1', configVersion: 3 } });
    const event = await next();
    expect(event.data).toEqual({ onDeviceConfigChanged: null });
    expect(event.errors?.map((err) => err.message)).toEqual([
      "Cannot return null for non-nullable type: 'String' within parent 'Device' (/onDeviceConfigChanged/name)",
    ]);
    expect(event.errors?.[0]?.path).toEqual(['onDeviceConfigChanged', 'name']);
  });

  it('gives nullable fields the mutation did not select as null, without an error', async () => {
    const e = engine();
    const next = await firstEvent(
      e,
      'subscription { onDeviceConfigChanged { id description location { latitude } } }',
    );
    await e.execute(
      {
        query:
          'mutation { updateDevice(input: { id: "b1" }) { id ...F } } fragment F on Device { configVersion }',
      },
      { identity: admin, headers: {} },
    );
    expect(await next()).toEqual({
      data: { onDeviceConfigChanged: { id: 'b1', description: null, location: null } },
    });
  });

  it('delivers everything a subscriber asks for after the backend notify mutation', async () => {
    const e = engine();
    const next = await firstEvent(e, WANTS);
    const answer = await e.callAsBackend('notifyDeviceConfigChanged', { id: 'b1' });
    expect(answer.errors).toBeUndefined();
    expect(await next()).toEqual({
      data: {
        onDeviceConfigChanged: {
          id: 'b1',
          name: 'Buoy one',
          configVersion: 3,
          description: 'north channel',
          sensors: [{ id: 'ph', unit: 'pH' }],
        },
      },
    });
  });
});
