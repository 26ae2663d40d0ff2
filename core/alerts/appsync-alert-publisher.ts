import type { Alert } from '../generated/graphql';
import { AppSyncIamClient, type AppSyncIamClientOptions } from '../shared/appsync-iam-client';
import { NOTIFY_ALERT_MUTATION, NOTIFY_ALERT_MUTATION_NAME, type AlertPublisher } from './notifier';

/**
 * Fires `onAlertChanged` in AWS: the `@aws_iam` mutation notifyAlertChanged,
 * signed with SigV4, selecting every Alert field (AppSync hands subscribers
 * only what the mutation selected).
 */
export class AppSyncAlertPublisher implements AlertPublisher {
  private readonly client: AppSyncIamClient;

  constructor(options: AppSyncIamClientOptions) {
    this.client = new AppSyncIamClient(options);
  }

  async alertChanged(alert: Alert): Promise<void> {
    await this.client.send(NOTIFY_ALERT_MUTATION_NAME, NOTIFY_ALERT_MUTATION, { id: alert.id });
  }
}
