import { SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { AlertTopic } from '../alerts/alert-topic';
import { E164_PATTERN, filterPolicyOf } from '../alerts/recipients';
import type { ProfileSubscriptions, SubscriptionManager } from './subscription-manager';
import type { StoredUser } from './user-store';

export type SnsSubscriptionManagerOptions = AlertTopic;

/**
 * The alert topic's subscriptions, one per opted-in channel of a profile:
 * `email` to the profile's email, `sms` to its E.164 phone, each with the
 * filter policy of the stations it follows (recipients.ts: the same rule the
 * local outbox applies). A changed endpoint or follow list replaces the
 * subscription (unsubscribe, then subscribe with the new policy), since a
 * pending email subscription takes no attribute changes until it is confirmed.
 */
export class SnsSubscriptionManager implements SubscriptionManager {
  constructor(private readonly options: SnsSubscriptionManagerOptions) {}

  async sync(profile: StoredUser): Promise<ProfileSubscriptions> {
    const policy = filterPolicyOf(profile);
    const email = profile.notifyByEmail ? profile.email : null;
    const sms =
      profile.notifyBySms && profile.phone && E164_PATTERN.test(profile.phone) ? profile.phone : null;
    return {
      emailSubscriptionArn: await this.channel('email', email, policy, profile.emailSubscriptionArn ?? null),
      smsSubscriptionArn: await this.channel('sms', sms, policy, profile.smsSubscriptionArn ?? null),
    };
  }

  async remove(profile: StoredUser): Promise<void> {
    for (const arn of [profile.emailSubscriptionArn, profile.smsSubscriptionArn])
      if (arn) await this.unsubscribe(arn);
  }

  /** One channel: the ARN to keep (a new one when the endpoint or policy changed), or null. */
  private async channel(
    protocol: 'email' | 'sms',
    endpoint: string | null,
    policy: Record<string, string[]> | null,
    currentArn: string | null,
  ): Promise<string | null> {
    const wanted = endpoint ? signature(protocol, endpoint, policy) : null;
    const current = currentArn ? (tagOf(currentArn) ?? null) : null;
    if (currentArn && current === wanted) return currentArn;
    if (currentArn) await this.unsubscribe(currentArn);
    if (!endpoint) return null;
    const { SubscriptionArn } = await this.options.client.send(
      new SubscribeCommand({
        TopicArn: this.options.topicArn,
        Protocol: protocol,
        Endpoint: endpoint,
        ReturnSubscriptionArn: true,
        ...(policy ? { Attributes: { FilterPolicy: JSON.stringify(policy) } } : {}),
      }),
    );
    if (!SubscriptionArn)
      throw new Error(`SNS returned no subscription ARN for the ${protocol} subscription`);
    return `${SubscriptionArn}${TAG}${wanted}`;
  }

  private async unsubscribe(taggedArn: string): Promise<void> {
    const arn = taggedArn.split(TAG)[0]!;
    try {
      await this.options.client.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    } catch (err) {
      // Already gone (or never confirmed and expired): nothing left to remove.
      const name = (err as { name?: string }).name;
      if (name !== 'NotFoundException' && name !== 'NotFound' && name !== 'InvalidParameterException')
        throw err;
    }
  }
}

/**
 * What a subscription was made for (protocol, endpoint, policy), kept after
 * the ARN in the profile, so a change is seen without asking SNS.
 */
const TAG = '|';
const signature = (protocol: string, endpoint: string, policy: Record<string, string[]> | null): string =>
  Buffer.from(JSON.stringify([protocol, endpoint, policy])).toString('base64url');
const tagOf = (taggedArn: string): string | undefined => taggedArn.split(TAG)[1];
