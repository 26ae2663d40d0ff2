import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { FULL_SELECTIONS } from '../generated/selections';
import type { ChangeNotifier } from './ports';

/**
 * The backend-only mutation whose subscription delivers an ack to dashboards.
 * AppSync sends subscribers only what this selects, so it selects every
 * Device field (generated from the schema: core/generated/selections.ts).
 */
export const NOTIFY_MUTATION = `mutation($id: ID!){ notifyDeviceConfigChanged(id: $id) ${FULL_SELECTIONS.Device} }`;

export interface AppSyncNotifierOptions {
  url: string;
  region: string;
  /** Default: the Lambda's role through the default provider chain. */
  credentials?: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  fetch?: typeof fetch;
}

/**
 * Tells AppSync subscribers that a device changed, by calling the
 * `notifyDeviceConfigChanged` mutation signed with SigV4 (service `appsync`):
 * AppSync subscriptions fire only from AppSync mutations.
 */
export class AppSyncChangeNotifier implements ChangeNotifier {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly fetch: typeof fetch;

  constructor(options: AppSyncNotifierOptions) {
    this.url = new URL(options.url);
    this.fetch = options.fetch ?? fetch;
    this.signer = new SignatureV4({
      service: 'appsync',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
  }

  async deviceChanged(deviceId: string): Promise<void> {
    const body = JSON.stringify({ query: NOTIFY_MUTATION, variables: { id: deviceId } });
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: this.url.pathname,
      headers: { host: this.url.host, 'content-type': 'application/json' },
      body,
    });
    const signed = await this.signer.sign(request);
    const response = await this.fetch(this.url, {
      method: 'POST',
      headers: signed.headers as Record<string, string>,
      body,
    });
    if (!response.ok) throw new Error(`notifyDeviceConfigChanged answered HTTP ${response.status}`);
    const answer = (await response.json()) as { errors?: { message?: string }[] };
    if (answer.errors && answer.errors.length > 0) {
      throw new Error(`notifyDeviceConfigChanged failed: ${answer.errors.map((e) => e.message).join('; ')}`);
    }
  }
}
