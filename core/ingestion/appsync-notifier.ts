import { FULL_SELECTIONS } from '../generated/selections';
import { AppSyncIamClient, type AppSyncIamClientOptions } from '../shared/appsync-iam-client';
import type { ChangeNotifier } from './ports';

/**
 * The backend-only mutation whose subscription delivers an ack to dashboards.
 * AppSync sends subscribers only what this selects, so it selects every
 * Device field (generated from the schema: core/generated/selections.ts).
 */
export const NOTIFY_MUTATION = `mutation($id: ID!){ notifyDeviceConfigChanged(id: $id) ${FULL_SELECTIONS.Device} }`;

export type AppSyncNotifierOptions = AppSyncIamClientOptions;

/**
 * Tells AppSync subscribers that a device changed, by calling the
 * `notifyDeviceConfigChanged` mutation signed with SigV4 (service `appsync`):
 * AppSync subscriptions fire only from AppSync mutations.
 */
export class AppSyncChangeNotifier implements ChangeNotifier {
  private readonly client: AppSyncIamClient;

  constructor(options: AppSyncNotifierOptions) {
    this.client = new AppSyncIamClient(options);
  }

  async deviceChanged(deviceId: string): Promise<void> {
    await this.client.send('notifyDeviceConfigChanged', NOTIFY_MUTATION, { id: deviceId });
  }
}
