import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { execute, subscribe, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { UnauthorizedRequestError, type Identity, type TokenVerifier } from './auth';
import { APPSYNC_SUBPROTOCOL, serveAppSyncRealtime } from './appsync-realtime';
import { formatError, formatResult, type Engine, type GraphQLRequest } from './engine';
import { listenOn } from '../embedded/listen';
import { serveOutbox, type OutboxSource } from './outbox-route';

/** The largest request body accepted; AppSync's own request limit is in the same range. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface GraphqlServerOptions {
  engine: Engine;
  verifyToken: TokenVerifier;
  port: number;
  host: string;
  /** HTML of the IDE served at GET /graphql to browsers (Accept: text/html). */
  idePage?: () => string;
  /** Static files under /ide/ (the IDE's scripts and styles), by name. */
  ideAssets?: Map<string, { type: string; body: Buffer }>;
  /** Body of GET /health. */
  health: () => Record<string, unknown>;
  /** Extra HTTP routes (the IoT Data Plane); return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** AppSync real-time keep-alive interval (ms). */
  keepAliveMs?: number;
  /** The alert notifications outbox listed at GET /outbox. */
  outbox?: OutboxSource;
}

export interface GraphqlServer {
  port: number;
  url: string;
  realtimeUrl: string;
  /** Open WebSocket connections (both protocols). */
  connections(): number;
  stop(): Promise<void>;
}

/** Paths where WebSockets are accepted: the GraphQL URL (graphql-ws) and Amplify's `${url}/realtime` (AppSync protocol); either protocol works on both. */
const WS_PATHS = new Set(['/graphql', '/graphql/realtime']);

/**
 * The local AppSync endpoint: GraphQL over HTTP at /graphql, subscriptions
 * over WebSocket in both protocols (chosen by subprotocol), the IDE for
 * browsers, and /health.
 */
export async function startGraphqlServer(options: GraphqlServerOptions): Promise<GraphqlServer> {
  const { engine, verifyToken } = options;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[graphql] request failed', err);
      if (!res.headersSent)
        json(res, 500, {
          errors: [
            {
              errorType: 'InternalFailure',
              message: 'The local server failed on this request; see its log.',
            },
          ],
        });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://local');
    cors(res);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (url.pathname === '/health' && req.method === 'GET')
      return json(res, 200, { status: 'ok', ...options.health() });
    if (options.extraRoutes?.(req, res)) return;
    if (url.pathname === '/outbox' && req.method === 'GET' && options.outbox)
      return serveOutbox(res, url, options.outbox);
    if (url.pathname.startsWith('/ide/') && req.method === 'GET') {
      const asset = options.ideAssets?.get(url.pathname.slice('/ide/'.length));
      if (!asset) return json(res, 404, { message: 'Not found' });
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'max-age=3600' }).end(asset.body);
      return;
    }
    if (url.pathname === '/' && req.method === 'GET')
      return void res.writeHead(302, { location: '/graphql' }).end();
    if (url.pathname !== '/graphql')
      return json(res, 404, {
        errors: [{ errorType: 'NotFound', message: `Nothing at ${url.pathname}; the API is at /graphql.` }],
      });
    if (req.method === 'GET') {
      if (options.idePage && (req.headers.accept ?? '').includes('text/html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(options.idePage());
        return;
      }
      return json(res, 405, {
        errors: [
          {
            errorType: 'MethodNotAllowed',
            message:
              'Send GraphQL requests with POST (as AppSync takes them); open this URL in a browser for the IDE.',
          },
        ],
      });
    }
    if (req.method !== 'POST')
      return json(res, 405, { errors: [{ errorType: 'MethodNotAllowed', message: 'Use POST.' }] });

    let identity: Identity;
    try {
      identity = await verifyToken(req.headers.authorization, req.socket.remoteAddress ?? undefined);
    } catch (err) {
      if (!(err instanceof UnauthorizedRequestError)) throw err;
      return json(res, 401, { errors: [{ errorType: err.errorType, message: err.message }] });
    }
    let body: GraphQLRequest;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8'));
      if (typeof body?.query !== 'string') throw new Error('the body needs a "query" string');
      if (body.variables !== undefined && body.variables !== null && typeof body.variables !== 'object')
        throw new Error('"variables" must be an object');
    } catch (err) {
      const tooLarge = err instanceof BodyTooLargeError;
      return json(res, tooLarge ? 413 : 400, {
        errors: [
          {
            errorType: tooLarge ? 'PayloadTooLarge' : 'MalformedHttpRequestException',
            message: tooLarge
              ? `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`
              : `The request is not a GraphQL request: ${(err as Error).message}.`,
          },
        ],
      });
    }
    const result = await engine.execute(body, { identity, headers: stringHeaders(req) });
    json(res, 200, result);
  }

  const graphqlWs = new WebSocketServer({ noServer: true });
  const appsyncWs = new WebSocketServer({ noServer: true, handleProtocols: () => APPSYNC_SUBPROTOCOL });
  serveAppSyncRealtime(appsyncWs, {
    engine,
    verifyToken,
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
  });
  useServer<Record<string, unknown> | undefined, { identity?: Identity }>(
    {
      schema: engine.schema,
      // Our own graphql functions: under bundlers and test runners graphql-ws may load another copy of
      // graphql, whose realm check would refuse this schema.
      execute: (args) => execute(args),
      subscribe: (args) => subscribe(args),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const token = (params.Authorization ??
          params.authorization ??
          ctx.extra.request.headers.authorization) as string | undefined;
        try {
          ctx.extra.identity = await verifyToken(token, ctx.extra.request.socket.remoteAddress ?? undefined);
          return true;
        } catch {
          // graphql-ws closes with 4403 Forbidden.
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const prepared = engine.prepare(payload.query, payload.operationName);
        if (Array.isArray(prepared)) return prepared;
        return {
          schema: engine.schema,
          document: prepared.document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? undefined,
          contextValue: { identity: ctx.extra.identity!, headers: stringHeaders(ctx.extra.request) },
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result) as never,
      onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) =>
        errors.map((e) => formatError(e, 'ValidationError')) as unknown as GraphQLFormattedError[],
    },
    graphqlWs,
  );

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!WS_PATHS.has(path)) return socket.destroy();
    const target = protocols.includes('graphql-transport-ws')
      ? graphqlWs
      : protocols.includes(APPSYNC_SUBPROTOCOL)
        ? appsyncWs
        : undefined;
    if (!target) {
      socket.end(
        'HTTP/1.1 400 Bad Request\r\n\r\nUse the subprotocol graphql-transport-ws (graphql-ws clients) or graphql-ws (AppSync real-time).\r\n',
      );
      return;
    }
    target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws, req));
  });

  const port = await listenOn(server, options.port, options.host, 'GRAPHQL_PORT');
  const host = options.host === '0.0.0.0' ? 'localhost' : options.host;
  return {
    port,
    url: `http://${host}:${port}/graphql`,
    realtimeUrl: `ws://${host}:${port}/graphql/realtime`,
    connections: () => graphqlWs.clients.size + appsyncWs.clients.size,
    async stop() {
      for (const ws of [...graphqlWs.clients, ...appsyncWs.clients]) ws.terminate();
      await Promise.all(
        [graphqlWs, appsyncWs].map((w) => new Promise<void>((resolve) => w.close(() => resolve()))),
      );
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function cors(res: ServerResponse) {
  // The dashboard's dev server runs on another origin; AppSync answers CORS for any origin too.
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  res.setHeader(
    'access-control-allow-headers',
    'authorization, content-type, x-amz-user-agent, x-amz-date, x-api-key, x-amz-security-token',
  );
  res.setHeader('access-control-max-age', '86400');
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function stringHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') out[k] = v;
  return out;
}
