import { PublishCommand } from '@aws-sdk/client-sns';
import type { AlertTopic } from './alert-topic';
import type { AlertNotification, NotificationSender } from './notifier';

export type SnsNotificationSenderOptions = AlertTopic;

/**
 * Publishes a notification to the stage's alert topic, once: SNS fans it out
 * to the subscriptions the profiles keep (email and SMS), each filtered on the
 * `deviceId` message attribute by the stations it follows.
 */
export class SnsNotificationSender implements NotificationSender {
  constructor(private readonly options: SnsNotificationSenderOptions) {}

  async send(n: AlertNotification): Promise<void> {
    await this.options.client.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Subject: n.subject,
        // Per protocol: the full text by email, the short one by SMS.
        MessageStructure: 'json',
        Message: JSON.stringify({ default: n.text, email: n.text, sms: n.sms }),
        MessageAttributes: {
          deviceId: { DataType: 'String', StringValue: n.deviceId },
          change: { DataType: 'String', StringValue: n.change },
        },
      }),
    );
  }
}
