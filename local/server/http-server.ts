import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createRequire } from 'node:module';
import { execute, subscribe, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { UnauthorizedRequestError, type Identity, type TokenVerifier } from './auth';
import { APPSYNC_SUBPROTOCOL, serveAppSyncRealtime } from './appsync-realtime';
import { FieldError, formatError, formatSubscriptionEvent, type Engine, type GraphQLRequest } from './engine';
import { listenOn } from '../embedded/listen';
import { serveConsole, type ConsoleRouteOptions } from './console-route';
import { parseRequestTarget } from './request-target';
import { BodyTooLargeError, readBody } from './read-body';
import { REALTIME_LIMITS } from './realtime-limits';
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
  /** `GET /exports/...`: the signed export downloads (local/server/export-download.ts); true when handled. */
  exportDownloads?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  /** Extra HTTP routes (the IoT Data Plane); return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** AppSync real-time keep-alive interval (ms). */
  keepAliveMs?: number;
  /** The operator console at /console (console-route.ts). */
  console?: ConsoleRouteOptions;
  /**
   * Certificate and key (PEM) with which the same port also speaks TLS:
   * Amplify JS v6 always opens `wss://` for subscriptions.
   */
  tls?: { cert: string; key: string };
  /** How long an AppSync socket may stay open without connection_init (ms). */
  connectionInitTimeoutMs?: number;
  /** The alert notifications outbox listed at GET /outbox. */
  outbox?: OutboxSource;
}

export interface GraphqlServer {
  port: number;
  url: string;
  realtimeUrl: string;
  /** `https://` form of `url` (same port), when TLS is on. */
  secureUrl: string | undefined;
  /** Open WebSocket connections (both protocols). */
  connections(): number;
  stop(): Promise<void>;
}

// graphql-ws tells errors from results with `instanceof GraphQLError` on the graphql Node itself
// loads; under test runners our import can be another copy, so its errors are made with Node's.
const { GraphQLError: WsGraphQLError } = createRequire(import.meta.url)('graphql') as {
  GraphQLError: typeof GraphQLError;
};

/** Paths where WebSockets are accepted: the GraphQL URL (graphql-ws) and Amplify's `${url}/realtime` (AppSync protocol); either protocol works on both. */
const WS_PATHS = new Set(['/graphql', '/graphql/realtime']);

/**
 * The local AppSync endpoint: GraphQL over HTTP at /graphql, subscriptions
 * over WebSocket in both protocols (chosen by subprotocol), the IDE for
 * browsers, and /health.
 */
export async function startGraphqlServer(options: GraphqlServerOptions): Promise<GraphqlServer> {
  const { engine, verifyToken } = options;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
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
  };
  const server: Server = createServer(onRequest);
  const secure = options.tls ? createHttpsServer({ ...options.tls }, onRequest) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = parseRequestTarget(req.url);
    cors(res);
    if (!url)
      return json(res, 400, {
        errors: [
          { errorType: 'MalformedHttpRequestException', message: 'The request target is not a path.' },
        ],
      });
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (url.pathname === '/health' && req.method === 'GET')
      return json(res, 200, { status: 'ok', ...options.health() });
    if (options.exportDownloads?.(req, res, url)) return;
    if (options.extraRoutes?.(req, res)) return;
    if (options.console && serveConsole(req, res, options.console, url)) return;
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
      body = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString('utf8'));
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

  // AppSync's message size limit on both protocols: ws refuses a larger frame from its header alone.
  const maxPayload = REALTIME_LIMITS.maxMessageBytes;
  const graphqlWs = new WebSocketServer({ noServer: true, maxPayload });
  const appsyncWs = new WebSocketServer({
    noServer: true,
    maxPayload,
    handleProtocols: () => APPSYNC_SUBPROTOCOL,
  });
  serveAppSyncRealtime(appsyncWs, {
    engine,
    verifyToken,
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
    ...(options.connectionInitTimeoutMs ? { connectionInitTimeoutMs: options.connectionInitTimeoutMs } : {}),
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
        // AppSync's "subscriptions per connection" on this protocol too (graphql-ws counts this one already).
        if (Object.keys(ctx.subscriptions).length > REALTIME_LIMITS.maxSubscriptionsPerConnection) {
          const message = `Max number of ${REALTIME_LIMITS.maxSubscriptionsPerConnection} subscriptions reached on this connection; stop one or open another connection.`;
          return [
            new WsGraphQLError(message, {
              originalError: new FieldError('MaxSubscriptionsReachedError', message),
            }),
          ];
        }
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
      onNext: (_ctx, _id, _payload, _args, result) => formatSubscriptionEvent(engine.schema, result) as never,
      onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) =>
        errors.map((e) => formatError(e, 'ValidationError')) as unknown as GraphQLFormattedError[],
    },
    graphqlWs,
  );

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A socket error after the upgrade request (a client that vanishes) must not reach the process.
    socket.on('error', () => socket.destroy());
    const path = parseRequestTarget(req.url)?.pathname;
    if (!path) return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!WS_PATHS.has(path)) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
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
  };
  server.on('upgrade', onUpgrade);
  secure?.on('upgrade', onUpgrade);

  const listener = secure ? splitListener(server, secure) : undefined;
  const port = await listenOn(listener?.net ?? server, options.port, options.host, 'GRAPHQL_PORT');
  const host = options.host === '0.0.0.0' ? 'localhost' : options.host;
  return {
    port,
    url: `http://${host}:${port}/graphql`,
    realtimeUrl: `ws://${host}:${port}/graphql/realtime`,
    secureUrl: secure ? `https://${host}:${port}/graphql` : undefined,
    connections: () => graphqlWs.clients.size + appsyncWs.clients.size,
    async stop() {
      for (const ws of [...graphqlWs.clients, ...appsyncWs.clients]) ws.terminate();
      await Promise.all(
        [graphqlWs, appsyncWs].map((w) => new Promise<void>((resolve) => w.close(() => resolve()))),
      );
      server.closeAllConnections();
      secure?.closeAllConnections();
      listener?.closeUndecided();
      await new Promise<void>((resolve) => (listener?.net ?? server).close(() => resolve()));
    },
  };
}

/** A TLS record starts with the handshake content type 22; an HTTP request starts with a method's letter. */
const TLS_HANDSHAKE = 0x16;
/** A connection that sends nothing is closed after this long (browsers open spare sockets and use them soon). */
const FIRST_BYTE_TIMEOUT_MS = 30_000;

/**
 * One TCP listener for both schemes: each connection goes to the HTTPS or
 * the plain HTTP server by its first byte, so `http://`, `ws://`, `https://`
 * and `wss://` all work on the one port.
 */
function splitListener(plain: Server, secure: Server) {
  const undecided = new Set<Socket>();
  const net = createNetServer({ pauseOnConnect: true }, (socket) => {
    undecided.add(socket);
    socket.once('close', () => undecided.delete(socket));
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('error', () => socket.destroy());
    socket.once('readable', () => {
      undecided.delete(socket);
      socket.setTimeout(0);
      const first: Buffer | null = socket.read(1);
      if (!first) return void socket.destroy();
      socket.unshift(first);
      (first[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
      socket.resume();
    });
  });
  return {
    net,
    closeUndecided: () => {
      for (const socket of undecided) socket.destroy();
      undecided.clear();
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

function stringHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') out[k] = v;
  return out;
}
