import { SNSClient } from '@aws-sdk/client-sns';
import type { AlertTopic } from '../../../core/alerts/alert-topic';

export { SnsNotificationSender } from '../../../core/alerts/sns-notification-sender';
export { SnsSubscriptionManager } from '../../../core/users/sns-subscription-manager';

/** The stage's alert topic on its SNS client (imported by handler.ts on the first notification or subscription change). */
export const alertTopic = (topicArn: string): AlertTopic => ({ client: new SNSClient({}), topicArn });
