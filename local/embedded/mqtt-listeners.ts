import { createServer as createNetServer } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { listenOn } from './listen';
import { limitPacketSize } from './mqtt-packet-limit';

export interface MqttListeners {
  port: number;
  wsPort: number;
  /** Ends every WebSocket and HTTP connection (first, before the broker closes). */
  closeClients(): Promise<void>;
  /** Closes both servers (last, once the broker is closed). */
  close(): Promise<void>;
}

/**
 * The broker's two doors: MQTT over TCP on `port`, and on `wsPort` one HTTP
 * server for MQTT over WebSocket (`/mqtt`) and the routes of `http` (the IoT
 * Data Plane). Every connection gets the packet size guard. A port that is
 * taken rejects with a PortInUseError naming its variable, and nothing is
 * left listening.
 */
export async function listenMqtt(options: {
  broker: Aedes;
  port: number;
  wsPort: number;
  host: string;
  maxPacketBytes: number;
  http: (req: IncomingMessage, res: ServerResponse) => boolean;
}): Promise<MqttListeners> {
  const { broker } = options;
  // The size guard goes on after aedes (its `readable` listener must come first).
  const handle = (conn: Duplex, req?: IncomingMessage) => {
    broker.handle(conn, req as never);
    limitPacketSize(conn, options.maxPacketBytes);
  };
  const tcp = createNetServer((socket) => {
    socket.on('error', () => socket.destroy());
    handle(socket);
  });
  const http = createHttpServer((req, res) => {
    if (!options.http(req, res)) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Not found' }));
    }
  });
  // A frame can carry at most one whole packet plus its header; larger frames are refused by ws from the header.
  const wss = new WebSocketServer({ server: http, maxPayload: options.maxPacketBytes + 5 });
  wss.on('connection', (socket, req) => {
    const stream = createWebSocketStream(socket);
    // A client that vanishes mid-write surfaces here; aedes handles the close.
    stream.on('error', () => socket.terminate());
    handle(stream, req);
  });

  let port: number;
  let wsPort: number;
  try {
    port = await listenOn(tcp, options.port, options.host, 'MQTT_PORT');
    wsPort = await listenOn(http, options.wsPort, options.host, 'MQTT_WS_PORT');
  } catch (err) {
    tcp.close();
    throw err;
  }
  return {
    port,
    wsPort,
    async closeClients() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
    },
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
    },
  };
}
