import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aedes, type AedesPublishPacket, type Client, type PublishPacket, type Subscription } from 'aedes';
import memoryPersistence from 'aedes-persistence';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { isTopicId } from '../../core/ingestion/topics';
import { listenOn } from './listen';
import { limitPacketSize } from './mqtt-packet-limit';
import type { RequestVerifier } from './sigv4-verifier';
import { decodePathSegment, parseRequestTarget } from '../server/request-target';
import {
  IOT_MAX_MESSAGE_BYTES,
  devicePolicyAllowsPublish,
  devicePolicyAllowsSubscribe,
  isBackendOnlyTopic,
} from '../../core/ingestion/device-policy';

/** Largest payload the IoT Data Plane route accepts (IoT Core's limit is 128 KiB). */
export const MAX_DATA_PLANE_PAYLOAD = IOT_MAX_MESSAGE_BYTES;
/** Largest MQTT packet a client may send: IoT Core refuses publish and connect requests over 128 KB. */
export const MAX_MQTT_PACKET_BYTES = IOT_MAX_MESSAGE_BYTES;

/**
 * Optional device credentials. When given, every MQTT client must connect
 * with `username` = its device id and a password `verify` accepts, and may
 * publish and subscribe only under its own topics (`devices/{id}/...` and the
 * legacy `{id}/...`), as the IoT policy does in AWS.
 */
export interface DeviceCredentials {
  verify(deviceId: string, password: string): boolean | Promise<boolean>;
}

export interface EmbeddedMqttOptions {
  /** TCP port for MQTT 3.1.1 (0 = a free port). */
  port?: number;
  /** HTTP port for MQTT over WebSocket and the IoT Data Plane routes (0 = a free port). */
  wsPort?: number;
  host?: string;
  /**
   * Folder where retained messages are kept across restarts (an append-only
   * log, compacted at start). Omitted = memory only. `dataDir` is an alias.
   */
  persistence?: string;
  dataDir?: string;
  deviceCredentials?: DeviceCredentials;
  /**
   * Checks the SigV4 signature of every Data Plane request (as AWS does);
   * omitted = the routes are open (broker-only tests).
   */
  verifyDataPlaneRequest?: RequestVerifier;
  /** Where warnings go (a damaged retained-messages file). */
  log?: (line: string) => void;
}

export interface EmbeddedMqtt {
  /** `mqtt://host:port` for devices and the mqtt package. */
  url: string;
  /** `ws://host:wsPort/mqtt` for browsers and MQTT-over-WebSocket clients. */
  wsUrl: string;
  port: number;
  wsPort: number;
  /** Endpoint for `new IoTDataPlaneClient({ endpoint })`: `POST /topics/{topic}` publishes into the broker. */
  dataPlaneEndpoint: string;
  broker: Aedes;
  /**
   * The IoT Data Plane HTTP handler, to mount on another HTTP server. Returns
   * false when the request is not a Data Plane route.
   */
  handleDataPlane(req: IncomingMessage, res: ServerResponse): boolean;
  /** Publishes in-process, resolving once retained state is stored and subscribers are served. */
  publish(packet: { topic: string; payload: Buffer | string; qos?: 0 | 1; retain?: boolean }): Promise<void>;
  /**
   * Takes the messages on `filter` for a consumer that must have them before
   * the publisher is answered (the processor's durable inbox): a device's
   * publish is handed over before aedes writes the QoS 1 PUBACK, an
   * in-process or Data Plane publish before its caller hears back. A throw
   * from `onMessage` refuses the publish (no PUBACK; the device sends it
   * again). Returns the function that closes the intake: from then on devices'
   * publishes on `filter` are refused rather than acknowledged to nobody.
   */
  intake(filter: string, onMessage: (topic: string, payload: Buffer) => void): Promise<() => Promise<void>>;
  /** Subscribes in-process (bypasses device credentials); returns the unsubscribe function. */
  subscribe(
    pattern: string,
    onMessage: (topic: string, payload: Buffer) => void,
  ): Promise<() => Promise<void>>;
  /** Current retained messages (topic -> payload), for tests and reconciliation. */
  retained(): Map<string, Buffer>;
  stop(): Promise<void>;
}

interface RetainedRecord {
  topic: string;
  /** base64 */
  payload: string;
  qos: number;
}

/**
 * Starts an aedes broker over TCP and WebSocket, plus the IoT Data Plane
 * `Publish` (and `GetRetainedMessage`) route on the WebSocket port's HTTP
 * server, so code using the real `IoTDataPlaneClient` publishes into it.
 *
 * Retained messages survive a restart when a folder is given: aedes keeps them
 * in memory and has no file-backed persistence in our dependencies, so every
 * retained write is appended to `retained.jsonl` before aedes acknowledges it.
 */
export async function startMqtt(options: EmbeddedMqttOptions = {}): Promise<EmbeddedMqtt> {
  const host = options.host ?? '127.0.0.1';
  const dir = options.persistence ?? options.dataDir;
  const persistence = memoryPersistence();
  const retainedView = new Map<string, Buffer>();
  const log = dir ? openRetainedLog(dir, options.log ?? (() => undefined)) : undefined;

  // Wrap storeRetained so the log is written before the publish chain
  // continues (the Data Plane's HTTP 200 comes after it): nothing acknowledged is lost.
  // A device's own retained QoS 1 publish gets its PUBACK before this runs (aedes acknowledges
  // first); devices publish no retained messages in this design.
  const storeRetained = persistence.storeRetained.bind(persistence) as (p: PublishPacket) => Promise<void>;
  const remember = (packet: PublishPacket) => {
    const payload = toBuffer(packet.payload);
    if (payload.length === 0) retainedView.delete(packet.topic);
    else retainedView.set(packet.topic, payload);
  };
  (persistence as unknown as { storeRetained: (p: PublishPacket) => Promise<void> }).storeRetained = async (
    packet: PublishPacket,
  ) => {
    log?.append(packet);
    remember(packet);
    return storeRetained(packet);
  };

  // aedes writes a QoS 1 PUBACK first and only then (a few turns later) delivers to subscribers,
  // so an intake that must have a message before it is acknowledged takes it while the publish is
  // authorized; `taken` (keyed by the payload buffer, which aedes passes on unchanged) keeps the
  // delivery that follows from handing it over twice.
  const intakes = new Set<Intake>();
  const taken = new WeakSet<object>();
  const takeOnAuthorize = (packet: PublishPacket): Error | null => {
    for (const intake of intakes) {
      if (!topicMatches(intake.filter, packet.topic)) continue;
      if (!intake.open) return new Error(`Not accepting ${packet.topic}: the processor is stopping`);
      try {
        intake.onMessage(packet.topic, toBuffer(packet.payload));
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
      if (typeof packet.payload === 'object') taken.add(packet.payload);
    }
    return null;
  };

  const credentials = options.deviceCredentials;
  const broker = new Aedes({
    persistence,
    // client is null for in-process publishes (the backend): their intake happens on delivery.
    authorizePublish: (client, packet, done) => {
      const take = (err?: Error | null) => done(err ?? (client ? takeOnAuthorize(packet) : null));
      // A device's config is the backend's to publish: no client, whatever its credentials, may
      // overwrite or clear it (the IoT policy grants devices no publish there).
      if (client && isBackendOnlyTopic(packet.topic))
        return take(new Error(`Only the backend publishes on ${packet.topic}`));
      if (!credentials) {
        // aedes' default check, kept.
        return take(packet.topic.startsWith('$SYS/') ? new Error('$SYS/ topic is reserved') : null);
      }
      // A refused publish closes the connection, which is what IoT Core does too.
      if (!client) return take(null);
      const id = (client as Client & { deviceId?: string }).deviceId;
      take(
        id && devicePolicyAllowsPublish(id, packet.topic)
          ? null
          : new Error(`Device ${id} may not publish on ${packet.topic}`),
      );
    },
    ...(credentials
      ? {
          authenticate: (client, username, password, done) => {
            const deny = () => {
              const err = Object.assign(new Error('Bad device id or password'), { returnCode: 4 as const });
              done(err, false);
            };
            // An id that cannot be a thing name (`+`, `#`, a `/`) could widen its own topics.
            if (!username || !password || !isTopicId(username)) return deny();
            Promise.resolve(credentials.verify(username, password.toString('utf8')))
              .then((ok) => {
                if (!ok) return deny();
                (client as Client & { deviceId?: string }).deviceId = username;
                done(null, true);
              })
              .catch(deny);
          },
          authorizeSubscribe: (client, sub: Subscription, done) => {
            const id = (client as Client & { deviceId?: string }).deviceId;
            // A null subscription answers SUBACK 0x80 (refused) and keeps the connection, as IoT Core does.
            done(null, id && devicePolicyAllowsSubscribe(id, sub.topic) ? sub : null);
          },
        }
      : {}),
  });
  await broker.listen();
  if (log) {
    for (const record of log.load()) {
      const packet = {
        cmd: 'publish',
        topic: record.topic,
        payload: Buffer.from(record.payload, 'base64'),
        qos: record.qos,
        retain: true,
        dup: false,
      } as PublishPacket;
      remember(packet);
      await storeRetained(packet);
    }
    log.compact(retainedView);
  }

  // The size guard goes on after aedes (its `readable` listener must come first).
  const handle = (conn: Duplex, req?: IncomingMessage) => {
    broker.handle(conn, req as never);
    limitPacketSize(conn, MAX_MQTT_PACKET_BYTES);
  };
  const tcp: NetServer = createNetServer((socket) => {
    socket.on('error', () => socket.destroy());
    handle(socket);
  });
  const http: HttpServer = createHttpServer((req, res) => {
    if (!handleDataPlane(req, res)) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Not found' }));
    }
  });
  // A frame can carry at most one whole packet plus its header; larger frames are refused by ws from the header.
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_MQTT_PACKET_BYTES + 5 });
  wss.on('connection', (socket, req) => {
    const stream = createWebSocketStream(socket);
    // A client that vanishes mid-write surfaces here; aedes handles the close.
    stream.on('error', () => socket.terminate());
    handle(stream, req);
  });

  function handleDataPlane(req: IncomingMessage, res: ServerResponse): boolean {
    const url = parseRequestTarget(req.url);
    if (!url) {
      sendError(res, new DataPlaneError(400, 'InvalidRequestException', 'The request target is not a path'));
      return true;
    }
    const publishMatch = /^\/topics\/(.+)$/.exec(url.pathname);
    const retainedMatch = /^\/retainedMessage\/(.+)$/.exec(url.pathname);
    const segment = publishMatch?.[1] ?? retainedMatch?.[1];
    const topic = segment === undefined ? undefined : decodePathSegment(segment);
    if (segment !== undefined && topic === undefined) {
      sendError(
        res,
        new DataPlaneError(400, 'InvalidRequestException', 'The topic is not valid percent-encoded UTF-8'),
      );
      return true;
    }
    // Browsers get no CORS from the Data Plane (AWS sends none): a preflight is refused plainly.
    if (req.method === 'OPTIONS' && topic !== undefined) {
      sendError(res, new DataPlaneError(403, 'ForbiddenException', 'The IoT Data Plane answers no CORS'));
      return true;
    }
    if (req.method === 'POST' && publishMatch && topic !== undefined) {
      readBody(req, MAX_DATA_PLANE_PAYLOAD)
        .then(async (payload) => {
          await verifyRequest(req, payload);
          const qos = url.searchParams.get('qos') === '1' ? 1 : 0;
          const retain = url.searchParams.get('retain') === 'true';
          if (!topic || topic.includes('#') || topic.includes('+')) {
            throw new DataPlaneError(
              400,
              'InvalidRequestException',
              `Topic ${topic} is not a valid publish topic`,
            );
          }
          await publish({ topic, payload, qos, retain });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        })
        .catch((err: unknown) => sendError(res, err));
      return true;
    }
    if (req.method === 'GET' && retainedMatch && topic !== undefined) {
      readBody(req, MAX_DATA_PLANE_PAYLOAD)
        .then(async (body) => {
          await verifyRequest(req, body);
          sendRetained(res, topic);
        })
        .catch((err: unknown) => sendError(res, err));
      return true;
    }
    return false;
  }

  /** Refuses a Data Plane request whose SigV4 signature is missing or wrong, as AWS does (403). */
  async function verifyRequest(req: IncomingMessage, body: Buffer): Promise<void> {
    if (!options.verifyDataPlaneRequest) return;
    const problem = await options.verifyDataPlaneRequest(
      req.method ?? 'GET',
      req.url ?? '/',
      req.headers,
      body,
    );
    if (problem) throw new DataPlaneError(403, 'ForbiddenException', problem);
  }

  function sendRetained(res: ServerResponse, topic: string) {
    const payload = retainedView.get(topic);
    if (!payload) {
      sendError(res, new DataPlaneError(404, 'ResourceNotFoundException', `No retained message on ${topic}`));
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(
        JSON.stringify({ topic, payload: payload.toString('base64'), qos: 1, lastModifiedTime: Date.now() }),
      );
  }

  function publish(packet: {
    topic: string;
    payload: Buffer | string;
    qos?: 0 | 1;
    retain?: boolean;
  }): Promise<void> {
    // A publish into a closed intake (the processor is stopping) would be answered and then
    // dropped: it is refused instead, so the caller knows to send it again.
    for (const intake of intakes)
      if (!intake.open && topicMatches(intake.filter, packet.topic))
        return Promise.reject(
          new DataPlaneError(
            503,
            'ServiceUnavailableException',
            `Not accepting ${packet.topic}: the local mode is stopping; send it again once it is back`,
          ),
        );
    return new Promise((resolve, reject) => {
      broker.publish(
        {
          cmd: 'publish',
          topic: packet.topic,
          payload: toBuffer(packet.payload),
          qos: packet.qos ?? 0,
          retain: packet.retain ?? false,
          dup: false,
        },
        (err?: Error) => (err ? reject(err) : resolve()),
      );
    });
  }

  async function subscribe(pattern: string, onMessage: (topic: string, payload: Buffer) => void) {
    const deliver = (packet: AedesPublishPacket, cb: () => void) => {
      // aedes replays retained messages only to MQTT clients, never here; $SYS is the broker's own chatter.
      if (!packet.topic.startsWith('$SYS/')) onMessage(packet.topic, toBuffer(packet.payload));
      cb();
    };
    await new Promise<void>((resolve) => broker.subscribe(pattern, deliver, () => resolve()));
    return () => new Promise<void>((resolve) => broker.unsubscribe(pattern, deliver, () => resolve()));
  }

  async function intake(filter: string, onMessage: (topic: string, payload: Buffer) => void) {
    const entry: Intake = { filter, onMessage, open: true };
    intakes.add(entry);
    const deliver = (packet: AedesPublishPacket, cb: () => void) => {
      if (entry.open && !packet.topic.startsWith('$SYS/') && !taken.has(packet.payload as object))
        onMessage(packet.topic, toBuffer(packet.payload));
      cb();
    };
    await new Promise<void>((resolve) => broker.subscribe(filter, deliver, () => resolve()));
    return async () => {
      // Kept in `intakes`, closed: a device's publish on the filter is refused from now on.
      entry.open = false;
      await new Promise<void>((resolve) => broker.unsubscribe(filter, deliver, () => resolve()));
    };
  }

  let port: number;
  let wsPort: number;
  try {
    port = await listenOn(tcp, options.port ?? 0, host, 'MQTT_PORT');
    wsPort = await listenOn(http, options.wsPort ?? 0, host, 'MQTT_WS_PORT');
  } catch (err) {
    tcp.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  const urlHost = host === '0.0.0.0' ? 'localhost' : host;

  return {
    url: `mqtt://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${wsPort}/mqtt`,
    port,
    wsPort,
    dataPlaneEndpoint: `http://${urlHost}:${wsPort}`,
    broker,
    handleDataPlane,
    publish,
    intake,
    subscribe,
    retained: () => new Map(retainedView),
    async stop() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
    },
  };
}

interface Intake {
  filter: string;
  onMessage: (topic: string, payload: Buffer) => void;
  open: boolean;
}

/** MQTT topic matching: `+` is one level, a trailing `#` any number (also none). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

class DataPlaneError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

function sendError(res: ServerResponse, err: unknown) {
  const e =
    err instanceof DataPlaneError
      ? err
      : new DataPlaneError(500, 'InternalFailureException', (err as Error).message);
  // The SDK reads the error type from this header, as AWS sends it.
  res
    .writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.errorType })
    .end(JSON.stringify({ message: e.message }));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(
          new DataPlaneError(413, 'RequestEntityTooLargeException', `Payload is larger than ${limit} bytes`),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toBuffer(payload: Buffer | string | Uint8Array | undefined): Buffer {
  if (payload === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
}

function openRetainedLog(dir: string, warn: (line: string) => void) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'retained.jsonl');
  return {
    load(): RetainedRecord[] {
      if (!existsSync(file)) return [];
      const latest = new Map<string, RetainedRecord>();
      const lines = readFileSync(file, 'utf8').split('\n');
      // After the last newline: a line torn by a crash mid-append, never acknowledged.
      lines.pop();
      let damaged = 0;
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const record = JSON.parse(line) as RetainedRecord;
          if (typeof record?.topic !== 'string' || typeof record.payload !== 'string') throw new TypeError();
          if (record.payload === '') latest.delete(record.topic);
          else latest.set(record.topic, record);
        } catch {
          damaged++;
        }
      }
      if (damaged)
        warn(
          `[mqtt] ${file}: ${damaged} damaged line(s) skipped; device config is rebuilt from the device table, other retained messages on those lines are lost`,
        );
      return [...latest.values()];
    },
    append(packet: PublishPacket) {
      const record: RetainedRecord = {
        topic: packet.topic,
        payload: toBuffer(packet.payload).toString('base64'),
        qos: packet.qos,
      };
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    },
    /** Rewrites the log with one line per live topic, atomically. */
    compact(current: Map<string, Buffer>) {
      const lines = [...current].map(([topic, payload]) =>
        JSON.stringify({ topic, payload: payload.toString('base64'), qos: 1 }),
      );
      writeFileSync(`${file}.tmp`, lines.length ? `${lines.join('\n')}\n` : '');
      renameSync(`${file}.tmp`, file);
    },
  };
}
