import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { extname, join, normalize, sep } from 'node:path';

/** What the console route serves: the built console and the config it reads at start. */
export interface ConsoleRouteOptions {
  /** The vite build (console/dist). */
  dir: string;
  /** config.json's body (console/src/lib/config.ts), from the local outputs. */
  config: () => Record<string, unknown>;
}

/** The mount point; CONTRACT.md section 3 names it. */
export const CONSOLE_PATH = '/console';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves the operator console at /console: the static build, and
 * /console/config.json made from the local outputs. Returns true when it
 * handled the request. The URLs in config.json take the host the browser
 * used, so a phone that reached the laptop by its LAN address reaches the API
 * and Cognito the same way.
 */
export function serveConsole(
  req: IncomingMessage,
  res: ServerResponse,
  options: ConsoleRouteOptions,
  /** The request target, parsed by the server (which refuses one that is not a path). */
  url: URL,
): boolean {
  if (url.pathname !== CONSOLE_PATH && !url.pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res
      .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' })
      .end('The console is read with GET.\n');
    return true;
  }
  if (url.pathname === CONSOLE_PATH) {
    // Relative asset URLs (vite's base './') need the trailing slash.
    res.writeHead(301, { location: `${CONSOLE_PATH}/${url.search}` }).end();
    return true;
  }
  const rest = url.pathname.slice(CONSOLE_PATH.length + 1);
  if (rest === 'config.json') {
    const body = JSON.stringify(withRequestHost(options.config(), req));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    return true;
  }
  const index = join(options.dir, 'index.html');
  if (!existsSync(index)) {
    res
      .writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        '<!doctype html><title>Console not built</title><p>The operator console is not built. ' +
          '<code>npm start</code> builds it at start; or run <code>npm run console:build</code> and reload.</p>',
      );
    return true;
  }
  let file: string;
  try {
    file = rest === '' ? index : safeJoin(options.dir, decodeURIComponent(rest));
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad path.\n');
    return true;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`No console file ${rest}.\n`);
    return true;
  }
  // Hashed assets never change; index.html names the current ones, so it is always re-read.
  const immutable = rest.startsWith('assets/');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  return true;
}

/** `dir/rest`, refusing anything that climbs out of `dir`. */
function safeJoin(dir: string, rest: string): string {
  if (rest.includes('\0')) throw new Error('NUL in path');
  const path = normalize(join(dir, rest));
  if (path !== dir && !path.startsWith(dir.endsWith(sep) ? dir : dir + sep))
    throw new Error('outside the console');
  return path;
}

/** The config's http(s) URLs with the hostname (and scheme) that the browser used for this request. */
function withRequestHost(config: Record<string, unknown>, req: IncomingMessage): Record<string, unknown> {
  const host = req.headers.host;
  if (!host) return config;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return config;
  }
  const tls = Boolean((req.socket as TLSSocket).encrypted);
  const out: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string' || !/^https?:\/\//.test(value)) continue;
    const u = new URL(value);
    u.hostname = hostname;
    // The GraphQL port speaks TLS too (wss:// for Amplify): keep the scheme the page came with.
    if (key === 'GraphQLUrl') u.protocol = tls ? 'https:' : 'http:';
    out[key] = u.toString();
  }
  return out;
}
