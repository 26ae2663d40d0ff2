import { CONSOLE_DIST } from '../../console/tooling/build-console';
import type { EmbeddedCognito } from '../embedded/cognito';
import type { LocalTls } from '../embedded/certificates';
import type { LocalProcessor } from '../processor/local-processor';
import { createTokenVerifier } from '../server/auth';
import type { ConsoleRouteOptions } from '../server/console-route';
import { startGraphqlServer, type GraphqlServer, type GraphqlServerOptions } from '../server/http-server';
import { loadIde } from '../server/ide';
import type { LocalApi } from './api';
import type { Part } from './parts';
import { namingPort } from './ports';

/**
 * The GraphQL server's URL, known once it listens (port 0 = a free one).
 * Parts built before the server (the export links) read it later; reading it
 * before then is a bug and says so.
 */
export class ServerAddress {
  #url: string | undefined;

  /** `http://host:port` without `/graphql`. */
  get baseUrl(): string {
    if (this.#url === undefined) throw new Error('The GraphQL server is not listening yet');
    return this.#url.replace(/\/graphql$/, '');
  }

  set(url: string): void {
    this.#url = url;
  }
}

/**
 * The local AppSync endpoint on one port (plain HTTP and TLS): GraphQL,
 * both real-time protocols, the IDE, the operator console, /health, the
 * export downloads and the outbox. Stopped first (parts stop in reverse), so
 * no request arrives while the rest drains.
 */
export async function startApiServer(options: {
  api: LocalApi;
  cognito: EmbeddedCognito;
  processor: LocalProcessor;
  tls: LocalTls;
  port: number;
  host: string;
  region: string;
  address: ServerAddress;
  keepAliveMs: number | undefined;
  connectionInitTimeoutMs: number | undefined;
}): Promise<Part<GraphqlServer>> {
  const { api, cognito, region } = options;
  const ide = loadIde();
  const server: GraphqlServer = await namingPort('graphql', options.port, () =>
    startGraphqlServer({
      engine: api.engine,
      verifyToken: createTokenVerifier({
        issuer: cognito.issuer,
        jwksUri: cognito.jwksUri,
        userPoolClientId: cognito.userPoolClientId,
        jwks: cognito.jwks,
      }),
      port: options.port,
      host: options.host,
      tls: { cert: options.tls.cert, key: options.tls.key },
      idePage: () =>
        ide.page({
          graphqlUrl: server.url,
          realtimeUrl: server.realtimeUrl,
          cognitoEndpoint: cognito.endpoint,
          userPoolClientId: cognito.userPoolClientId,
          region,
        }),
      ideAssets: ide.assets,
      console: consoleOf(cognito, region, () => server.url),
      exportDownloads: api.exportDownloads,
      health: () => ({
        processor: options.processor.stats(),
        subscriptions: api.engine.hub.count(),
        webSockets: server.connections(),
      }),
      ...optional(options),
      outbox: (limit) => api.outbox.list(limit),
    }),
  );
  options.address.set(server.url);
  return { handle: server, stop: () => server.stop() };
}

/** The operator console and its config.json: the outputs it needs (cognito-local has no SRP, hence the flow). */
function consoleOf(cognito: EmbeddedCognito, region: string, graphqlUrl: () => string): ConsoleRouteOptions {
  return {
    dir: CONSOLE_DIST,
    config: () => ({
      GraphQLUrl: graphqlUrl(),
      Region: region,
      UserPoolId: cognito.userPoolId,
      UserPoolClientId: cognito.userPoolClientId,
      CognitoEndpoint: cognito.endpoint,
      AuthFlowType: 'USER_PASSWORD_AUTH',
      Stage: 'local',
    }),
  };
}

function optional(options: {
  keepAliveMs: number | undefined;
  connectionInitTimeoutMs: number | undefined;
}): Pick<GraphqlServerOptions, 'keepAliveMs' | 'connectionInitTimeoutMs'> {
  return {
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
    ...(options.connectionInitTimeoutMs ? { connectionInitTimeoutMs: options.connectionInitTimeoutMs } : {}),
  };
}
