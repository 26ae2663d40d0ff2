import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AppSyncIamClientOptions {
  url: string;
  region: string;
  /** Default: the Lambda's role through the default provider chain. */
  credentials?: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  fetch?: typeof fetch;
}

/**
 * Calls AppSync as the backend: a GraphQL request signed with SigV4 (service
 * `appsync`), for the `@aws_iam` mutations whose only purpose is to fire
 * subscriptions (AppSync subscriptions fire only from AppSync mutations).
 */
export class AppSyncIamClient {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly fetch: typeof fetch;

  constructor(options: AppSyncIamClientOptions) {
    this.url = new URL(options.url);
    this.fetch = options.fetch ?? fetch;
    this.signer = new SignatureV4({
      service: 'appsync',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
  }

  /** Sends one operation; throws naming `label` on an HTTP or GraphQL error. */
  async send(label: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
    const body = JSON.stringify({ query, variables });
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
    if (!response.ok) throw new Error(`${label} answered HTTP ${response.status}`);
    const answer = (await response.json()) as { data?: unknown; errors?: { message?: string }[] };
    if (answer.errors && answer.errors.length > 0) {
      throw new Error(`${label} failed: ${answer.errors.map((e) => e.message).join('; ')}`);
    }
    return answer.data;
  }
}
