import { PublishCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppSyncAlertPublisher } from '../../../core/alerts/appsync-alert-publisher';
import { ALERT_SELECTION, NOTIFY_ALERT_MUTATION, describeAlert } from '../../../core/alerts/notifier';
import { filterPolicyOf, recipientsOf, wantsAlertsOf } from '../../../core/alerts/recipients';
import { SnsNotificationSender } from '../../../core/alerts/sns-notification-sender';
import type { Alert, User } from '../../../core/generated/graphql';
import { SnsSubscriptionManager } from '../../../core/users/sns-subscription-manager';
import { loadLocalSchema } from '../../../local/server/schema';
import { getNamedType, isObjectType } from 'graphql';
import { userProfile } from '../../helpers/user-fixtures';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:ca-central-1:123456789012:yvr-test-alerts';
beforeEach(() => sns.reset());

const alert: Alert = {
  id: 'b1:HIGH:ph:1764230400000',
  deviceId: 'b1',
  sensor: 'ph',
  kind: 'HIGH',
  state: 'OPEN',
  openedAt: '2026-11-27T08:00:00.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  note: null,
  resolvedAt: null,
  threshold: 8.5,
  worstValue: 9.7,
  lastValue: 9.6,
  updatedAt: '2026-11-27T08:00:05.000Z',
};

const profile = (over: Partial<User> = {}): User => userProfile('u1', over);

describe('notifications', () => {
  it('name the station, sensor, value, limit, time and state change', () => {
    const n = describeAlert({ alert, change: 'opened', deviceName: 'North outfall', unit: 'pH' });
    expect(n.subject).toBe('[OPEN] North outfall (b1): ph above max 8.5 pH');
    expect(n.text).toContain('Value: 9.6 pH (worst 9.7 pH)');
    expect(n.text).toContain('Time: 2026-11-27T08:00:00.000Z');
    expect(n.sms.length).toBeLessThanOrEqual(140);
    const resolved = describeAlert({
      alert: { ...alert, state: 'RESOLVED', resolvedAt: '2026-11-27T09:00:00.000Z' },
      change: 'resolved',
      deviceName: 'b1',
    });
    expect(resolved.text).toContain('State: OPEN/ACKNOWLEDGED -> RESOLVED');
    expect(resolved.text).toContain('Time: 2026-11-27T09:00:00.000Z');
  });

  it('go to SNS once per change, with the device id as the attribute the subscription filters match', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await new SnsNotificationSender({ client: new SNSClient({}), topicArn: TOPIC }).send(
      describeAlert({ alert, change: 'opened', deviceName: 'b1' }),
    );
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.MessageStructure).toBe('json');
    expect(Object.keys(JSON.parse(input.Message!) as object).sort()).toEqual(['default', 'email', 'sms']);
    expect(input.MessageAttributes?.deviceId).toEqual({ DataType: 'String', StringValue: 'b1' });
  });

  it('reach only opted-in users, and only for the stations they follow', () => {
    const profiles = [
      profile({ id: 'all', notifyByEmail: true }),
      profile({ id: 'sms', notifyBySms: true, phone: '+16045550123', followedDeviceIds: ['b2'] }),
      profile({ id: 'none' }),
      profile({ id: 'bad-phone', notifyBySms: true, phone: '604 555 0123' }),
    ];
    expect(recipientsOf(profiles, 'b1')).toEqual([{ userId: 'all', email: 'u1@example.com' }]);
    expect(recipientsOf(profiles, 'b2').map((r) => r.userId)).toEqual(['all', 'sms']);
    expect(wantsAlertsOf(profiles[2]!, 'b1')).toBe(false);
    expect(filterPolicyOf(profiles[1]!)).toEqual({ deviceId: ['b2'] });
    expect(filterPolicyOf(profiles[0]!)).toBeNull();
  });
});

describe('SnsSubscriptionManager', () => {
  const manager = () => new SnsSubscriptionManager({ client: new SNSClient({}), topicArn: TOPIC });

  it('subscribes each opted-in channel with the follow list as its filter policy', async () => {
    sns
      .on(SubscribeCommand)
      .callsFake((input: { Protocol: string }) => ({ SubscriptionArn: `${TOPIC}:${input.Protocol}-1` }));
    const arns = await manager().sync(
      profile({
        notifyByEmail: true,
        notifyBySms: true,
        phone: '+16045550123',
        followedDeviceIds: ['b2', 'b1'],
      }),
    );
    const calls = sns.commandCalls(SubscribeCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      expect.objectContaining({
        Protocol: 'email',
        Endpoint: 'u1@example.com',
        ReturnSubscriptionArn: true,
        Attributes: { FilterPolicy: '{"deviceId":["b1","b2"]}' },
      }),
      expect.objectContaining({
        Protocol: 'sms',
        Endpoint: '+16045550123',
        Attributes: { FilterPolicy: '{"deviceId":["b1","b2"]}' },
      }),
    ]);
    expect(arns.emailSubscriptionArn?.startsWith(`${TOPIC}:email-1|`)).toBe(true);
  });

  it('changes nothing when the profile asks for what it has, and replaces a subscription whose follow list changed', async () => {
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:email-1` });
    const first = await manager().sync(profile({ notifyByEmail: true }));
    sns.resetHistory();
    const same = await manager().sync(profile({ notifyByEmail: true, ...first }));
    expect(same).toEqual(first);
    expect(sns.calls()).toHaveLength(0);

    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:email-2` });
    const changed = await manager().sync(
      profile({ notifyByEmail: true, followedDeviceIds: ['b1'], ...first }),
    );
    expect(sns.commandCalls(UnsubscribeCommand)[0]!.args[0].input).toEqual({
      SubscriptionArn: `${TOPIC}:email-1`,
    });
    expect(changed.emailSubscriptionArn?.startsWith(`${TOPIC}:email-2|`)).toBe(true);
  });

  it('unsubscribes a channel that is switched off', async () => {
    sns.on(UnsubscribeCommand).resolves({});
    const arns = await manager().sync({
      ...profile({ notifyByEmail: false }),
      emailSubscriptionArn: `${TOPIC}:email-1|x`,
    });
    expect(arns).toEqual({ emailSubscriptionArn: null, smsSubscriptionArn: null });
    expect(sns.commandCalls(UnsubscribeCommand)).toHaveLength(1);
  });
});

describe('onAlertChanged from the backend', () => {
  it('selects every field of Alert in the notifyAlertChanged mutation', () => {
    const { schema } = loadLocalSchema();
    const type = getNamedType(schema.getMutationType()!.getFields().notifyAlertChanged!.type);
    expect(isObjectType(type)).toBe(true);
    const fields = isObjectType(type) ? Object.keys(type.getFields()).sort() : [];
    expect(ALERT_SELECTION.replace(/[{}]/g, ' ').trim().split(/\s+/).sort()).toEqual(fields);
    expect(NOTIFY_ALERT_MUTATION).toContain(ALERT_SELECTION);
  });

  it('posts the mutation signed with SigV4', async () => {
    const calls: RequestInit[] = [];
    const publisher = new AppSyncAlertPublisher({
      url: 'https://abc.appsync-api.us-west-2.amazonaws.com/graphql',
      region: 'us-west-2',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      fetch: (async (_url: unknown, init?: RequestInit) => {
        calls.push(init ?? {});
        return new Response(JSON.stringify({ data: { notifyAlertChanged: { id: alert.id } } }), {
          status: 200,
        });
      }) as typeof fetch,
    });
    await publisher.alertChanged(alert);
    expect(JSON.parse(String(calls[0]!.body))).toEqual({
      query: NOTIFY_ALERT_MUTATION,
      variables: { id: alert.id },
    });
    expect((calls[0]!.headers as Record<string, string>).authorization).toMatch(
      /^AWS4-HMAC-SHA256 .*appsync/,
    );
  });
});
