import { describe, expect, it } from 'vitest';
import { diffSettings, settingsOf } from '../../../core/devices/model';
import { parseCreateDeviceInput, parseUpdateDeviceInput } from '../../../core/devices/validation';
import type { Caller } from '../../../core/shared/identity';
import { UserService } from '../../../core/users';
import { withSubscriptions, type SubscriptionManager } from '../../../core/users/subscription-manager';
import { MemoryUserStore } from '../../helpers/memory-user-store';
import { issueLinesOf } from '../../helpers/validation-issues';

const issues = issueLinesOf;

const ph = (over: Record<string, unknown> = {}) => ({
  id: 'ph',
  measurement: 'ph',
  min: 6,
  max: 9,
  alertsEnabled: true,
  ...over,
});

describe('alert rules in the device config', () => {
  it('default to one reading, no deadband and three silent intervals', () => {
    const device = parseCreateDeviceInput({ id: 'b1', name: 'B', sensors: [ph()] });
    expect(device.sensors[0]!.alert).toEqual({ afterReadings: 1, deadband: 0, afterMinutes: null });
    expect(device.silenceAfterIntervals).toBe(3);
  });

  it('are refused with the field named when they could never work', () => {
    expect(
      issues(() =>
        parseCreateDeviceInput({ id: 'b1', name: 'B', sensors: [ph({ alert: { afterReadings: 0 } })] }),
      ),
    ).toEqual(['input.sensors.0.alert.afterReadings: must be at least 1 (the breaching reading itself)']);
    expect(
      issues(() =>
        parseCreateDeviceInput({ id: 'b1', name: 'B', sensors: [ph({ alert: { deadband: 2 } })] }),
      )[0],
    ).toMatch(
      /^input\.sensors\.0\.alert\.deadband: must be at most half the distance between min and max \(1\.5\)/,
    );
    expect(
      issues(() =>
        parseCreateDeviceInput({ id: 'b1', name: 'B', sensors: [ph({ alert: { deadband: -1 } })] }),
      ),
    ).toEqual(['input.sensors.0.alert.deadband: must be at least 0']);
    expect(issues(() => parseUpdateDeviceInput({ id: 'b1', silenceAfterIntervals: 1.5 }))[0]).toMatch(
      /^input\.silenceAfterIntervals: /,
    );
    expect(issues(() => parseUpdateDeviceInput({ id: 'b1', silenceAfterIntervals: null }))).toEqual([
      'input.silenceAfterIntervals: cannot be null; omit the field to leave it unchanged',
    ]);
  });

  it('are versioned with the config: a change shows in the history diff', () => {
    const before = parseCreateDeviceInput({ id: 'b1', name: 'B', sensors: [ph()] });
    const after = {
      ...before,
      silenceAfterIntervals: 5,
      sensors: [{ ...before.sensors[0]!, alert: { afterReadings: 4, deadband: 0.1, afterMinutes: null } }],
    };
    const diff = diffSettings(settingsOf(before), settingsOf(after)).map((c) => c.path);
    expect(diff).toEqual(['silenceAfterIntervals', 'sensors.ph.alert']);
  });
});

describe('notification opt-ins on the profile', () => {
  const admin: Caller = { kind: 'user', sub: 'admin-1', username: 'admin-1', groups: ['admin'] };
  const self: Caller = { kind: 'user', sub: 'u1', username: 'u1', groups: ['user'] };
  const synced: string[] = [];
  const subscriptions: SubscriptionManager = {
    sync: async (p) => {
      synced.push(`${p.id}:${p.notifyByEmail}:${p.notifyBySms}:${p.followedDeviceIds.join(',')}`);
      return { emailSubscriptionArn: p.notifyByEmail ? 'arn:email' : null, smsSubscriptionArn: null };
    },
    remove: async () => undefined,
  };

  it('let a user opt in for the stations it follows and keep the SNS subscriptions in step', async () => {
    const store = new MemoryUserStore();
    const users = new UserService({ store, subscriptions });
    await users.createUser(admin, { id: 'u1', email: 'u1@example.com' });
    const updated = await users.updateUser(self, {
      id: 'u1',
      notifyByEmail: true,
      followedDeviceIds: ['b1', 'b1', 'b2'],
    });
    expect(updated).toMatchObject({
      notifyByEmail: true,
      notifyBySms: false,
      followedDeviceIds: ['b1', 'b2'],
    });
    expect(updated).not.toHaveProperty('emailSubscriptionArn');
    expect(synced.at(-1)).toBe('u1:true:false:b1,b2');
    expect((await store.get('u1')) as unknown).toMatchObject({ emailSubscriptionArn: 'arn:email' });
  });

  it('refuse SMS without an E.164 phone, naming the phone', async () => {
    const users = new UserService({ store: new MemoryUserStore(), subscriptions });
    await users.createUser(admin, { id: 'u1', email: 'u1@example.com', phone: '604 555 0123' });
    await expect(users.updateUser(self, { id: 'u1', notifyBySms: true })).rejects.toThrow(/E\.164/);
    const ok = await users.updateUser(self, { id: 'u1', notifyBySms: true, phone: '+16045550123' });
    expect(ok.notifyBySms).toBe(true);
  });

  it('follow an account through the accounts area: a new email is re-subscribed, a deleted account unsubscribed', async () => {
    const store = new MemoryUserStore();
    const removed: string[] = [];
    const linked = withSubscriptions(store, {
      ...subscriptions,
      remove: async (p) => void removed.push(p.id),
    });
    const users = new UserService({ store, subscriptions });
    await users.createUser(admin, { id: 'u2', email: 'old@example.com', notifyByEmail: true });
    synced.length = 0;
    await linked.updateEmail('u2', 'new@example.com', '2026-01-02T00:00:00.000Z');
    expect(synced).toEqual(['u2:true:false:']);
    await linked.delete('u2');
    expect(removed).toEqual(['u2']);
  });
});
