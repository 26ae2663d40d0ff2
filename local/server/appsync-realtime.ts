import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Identity } from './auth';
import { UnauthorizedRequestError, type TokenVerifier } from './auth';
import type { AppSyncResult, Engine } from './engine';
import { REALTIME_LIMITS } from './realtime-limits';
import { parseRequestTarget } from './request-target';

export interface AppSyncRealtimeOptions {
  engine: Engine;
  verifyToken: TokenVerifier;
  /** How long a client may go without a `ka` before it should reconnect (sent in connection_ack). */
  connectionTimeoutMs?: number;
  /** How often `ka` goes out; AppSync sends one about every minute. */
  keepAliveMs?: number;
  /** How long a socket may stay open without connection_init (or start); default REALTIME_LIMITS. */
  connectionInitTimeoutMs?: number;
}

/** The subprotocol AppSync's real-time endpoint speaks (not graphql-ws the library, whose subprotocol is graphql-transport-ws). */
export const APPSYNC_SUBPROTOCOL = 'graphql-ws';

/**
 * Serves AppSync's real-time protocol on `wss`, so Amplify's subscription
 * client works against the local server with only its endpoint changed:
 * the `header` query parameter (base64 JSON with `Authorization`) is
 * verified at connection_init, each `start` carries its own authorization
 * in `payload.extensions.authorization`, and results come back as `data`.
 */
export function serveAppSyncRealtime(wss: WebSocketServer, options: AppSyncRealtimeOptions): void {
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 300_000;
  const keepAliveMs = options.keepAliveMs ?? 60_000;
  const initTimeoutMs = options.connectionInitTimeoutMs ?? REALTIME_LIMITS.connectionInitTimeoutMs;
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    // A frame over the size limit or a broken frame surfaces here (ws then closes with 1009 / 1002);
    // without a listener it would be thrown and take the process down.
    socket.on('error', () => socket.terminate());
    // A socket that never initialises holds a file descriptor for nothing: closed after the timeout.
    const initTimer = setTimeout(() => {
      if (initialised) return;
      send({
        type: 'connection_error',
        payload: {
          errors: [
            {
              errorType: 'ConnectionInitTimeout',
              message: `No connection_init within ${initTimeoutMs} ms; send it right after connecting.`,
            },
          ],
        },
      });
      socket.close(4408, 'Connection initialisation timeout');
    }, initTimeoutMs);
    initTimer.unref();
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const header = connectionHeader(req);
    // Verify at once, answer at connection_init: a bad token closes before any start is read.
    const connectionAuth = options.verifyToken(authorizationOf(header), sourceIp);
    connectionAuth.catch(() => undefined);
    const operations = new Map<string, AsyncIterableIterator<AppSyncResult> | null>();
    let keepAlive: NodeJS.Timeout | undefined;
    let acknowledged = false;
    const send = (message: unknown) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };

    let initialised: Promise<void> | undefined;
    // connection_init is optional in AppSync's protocol; a start before it initialises once.
    const init = () => (initialised ??= initialise());
    const initialise = async () => {
      try {
        await connectionAuth;
      } catch (err) {
        send({ type: 'connection_error', payload: { errors: [unauthorized(err)] } });
        socket.close(1000);
        return;
      }
      acknowledged = true;
      send({ type: 'connection_ack', payload: { connectionTimeoutMs } });
      send({ type: 'ka' });
      keepAlive = setInterval(() => send({ type: 'ka' }), keepAliveMs);
      keepAlive.unref();
    };

    const start = async (id: string, payload: StartPayload | undefined) => {
      if (operations.has(id)) {
        send({
          type: 'error',
          id,
          payload: {
            errors: [
              {
                errorType: 'DuplicatedOperationError',
                message: `Another subscription already uses the id ${id}.`,
              },
            ],
          },
        });
        return;
      }
      if (operations.size >= REALTIME_LIMITS.maxSubscriptionsPerConnection) {
        send({
          type: 'error',
          id,
          payload: {
            errors: [
              {
                errorType: 'MaxSubscriptionsReachedError',
                message: `Max number of ${REALTIME_LIMITS.maxSubscriptionsPerConnection} subscriptions reached on this connection; stop one or open another connection.`,
              },
            ],
          },
        });
        return;
      }
      operations.set(id, null);
      let identity: Identity;
      let request: { query: string; variables?: Record<string, unknown>; operationName?: string };
      try {
        const own = authorizationOf(payload?.extensions?.authorization);
        identity = own ? await options.verifyToken(own, sourceIp) : await connectionAuth;
        request = JSON.parse(payload?.data ?? '');
        if (typeof request?.query !== 'string')
          throw new SyntaxError('payload.data must hold {"query": ..., "variables": ...}');
      } catch (err) {
        operations.delete(id);
        const error =
          err instanceof UnauthorizedRequestError
            ? unauthorized(err)
            : {
                errorType: 'BadRequestException',
                message: `The start message is not valid: ${(err as Error).message}`,
              };
        send({ type: 'error', id, payload: { errors: [error] } });
        return;
      }
      const result = await options.engine.subscribe(request, { identity, headers: stringHeaders(header) });
      if (!operations.has(id)) {
        // Stopped while starting.
        if (Symbol.asyncIterator in result) await result.return?.();
        return;
      }
      if (!(Symbol.asyncIterator in result)) {
        operations.delete(id);
        send({ type: 'error', id, payload: { errors: result.errors ?? [] } });
        return;
      }
      operations.set(id, result);
      send({ type: 'start_ack', id });
      for await (const value of result) send({ type: 'data', id, payload: value });
    };

    const stop = async (id: string) => {
      const iterator = operations.get(id);
      operations.delete(id);
      await iterator?.return?.();
      send({ type: 'complete', id });
    };

    socket.on('message', (raw) => {
      let message: { type?: string; id?: string; payload?: StartPayload };
      try {
        message = JSON.parse(raw.toString());
        // `null`, a number or an array parse, but are no message.
        if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new TypeError();
      } catch {
        send({
          type: 'error',
          payload: {
            errors: [{ errorType: 'BadRequestException', message: 'Messages must be JSON objects.' }],
          },
        });
        return;
      }
      const { type, id } = message;
      if (type === 'connection_init') void init();
      else if ((type === 'start' || type === 'stop') && typeof id !== 'string') {
        send({
          type: 'error',
          payload: {
            errors: [{ errorType: 'BadRequestException', message: `A ${type} message needs an id.` }],
          },
        });
      } else if (type === 'start') {
        void init().then(async () => {
          if (acknowledged) await start(id!, message.payload);
        });
      } else if (type === 'stop') void stop(id!);
      else
        send({
          type: 'error',
          payload: {
            errors: [{ errorType: 'UnsupportedOperation', message: `Unknown message type ${type}.` }],
          },
        });
    });

    socket.on('close', () => {
      clearTimeout(initTimer);
      clearInterval(keepAlive);
      for (const iterator of operations.values()) void iterator?.return?.();
      operations.clear();
    });
  });
}

interface StartPayload {
  data?: string;
  extensions?: { authorization?: Record<string, unknown> };
}

/**
 * The connection's auth header: the `header` query parameter (base64 JSON,
 * older Amplify and most clients), or a `header-<base64url JSON>`
 * subprotocol next to `graphql-ws` (Amplify v6 today).
 */
function connectionHeader(req: IncomingMessage): Record<string, unknown> {
  const fromQuery = parseRequestTarget(req.url)?.searchParams.get('header');
  const fromProtocol = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('header-'))
    ?.slice('header-'.length);
  const value = fromQuery || fromProtocol;
  if (!value) return {};
  try {
    // Node's base64 decoder reads the URL-safe alphabet too.
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function authorizationOf(header: Record<string, unknown> | undefined): string | undefined {
  const value = header?.Authorization ?? header?.authorization;
  return typeof value === 'string' ? value : undefined;
}

function stringHeaders(header: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(header).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
}

function unauthorized(err: unknown) {
  return {
    errorType: 'UnauthorizedException',
    message:
      err instanceof UnauthorizedRequestError ? err.message : 'You are not authorized to make this call.',
    errorCode: 401,
  };
}
