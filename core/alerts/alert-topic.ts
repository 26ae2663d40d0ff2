import type { SNSClient } from '@aws-sdk/client-sns';

/**
 * The stage's alert topic (`yvr-<stage>-alerts`) and the client that reaches
 * it: what the notification sender publishes to and the subscription manager
 * subscribes profiles to, so both are built from one description of it.
 */
export interface AlertTopic {
  client: SNSClient;
  topicArn: string;
}
