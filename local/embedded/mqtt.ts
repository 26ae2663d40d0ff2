import type { IncomingMessage, ServerResponse } from 'node:http';
import { Aedes, type AedesPublishPacket } from 'aedes';
import { IOT_MAX_MESSAGE_BYTES } from '../../core/ingestion/device-policy';
import { brokerHooks, type DeviceCredentials } from './mqtt-auth';
import { DataPlaneError, dataPlaneHandler } from './mqtt-data-plane';
import { MqttIntakes } from './mqtt-intake';
import { listenMqtt } from './mqtt-listeners';
import { toBuffer } from './mqtt-payload';
import { retainedStore } from './mqtt-retained';
import type { RequestVerifier } from './sigv4-verifier';

export { MAX_DATA_PLANE_PAYLOAD } from './mqtt-data-plane';
export { topicMatches } from './mqtt-payload';
export type { DeviceCredentials } from './mqtt-auth';

/** Largest MQTT packet a client may send: IoT Core refuses publish and connect requests over 128 KB. */
export const MAX_MQTT_PACKET_BYTES = IOT_MAX_MESSAGE_BYTES;

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

/**
 * Starts an aedes broker over TCP and WebSocket, plus the IoT Data Plane
 * `Publish` (and `GetRetainedMessage`) route on the WebSocket port's HTTP
 * server, so code using the real `IoTDataPlaneClient` publishes into it. Its
 * parts: the retained-message store that survives restarts
 * (mqtt-retained.ts), the intakes (mqtt-intake.ts), the device policy's
 * hooks (mqtt-auth.ts), the Data Plane routes (mqtt-data-plane.ts) and the
 * listeners (mqtt-listeners.ts).
 */
export async function startMqtt(options: EmbeddedMqttOptions = {}): Promise<EmbeddedMqtt> {
  const host = options.host ?? '127.0.0.1';
  const retained = retainedStore(options.persistence ?? options.dataDir, options.log ?? (() => undefined));
  const intakes = new MqttIntakes();
  const broker = new Aedes({
    persistence: retained.persistence,
    ...brokerHooks(options.deviceCredentials, (packet) => intakes.takeOnAuthorize(packet)),
  });
  await broker.listen();
  await retained.restore();

  const publish = publisher(broker, intakes);
  const handleDataPlane = dataPlaneHandler({
    publish,
    retained: retained.view,
    verify: options.verifyDataPlaneRequest,
  });
  const closeBroker = () => new Promise<void>((resolve) => broker.close(() => resolve()));
  const listeners = await listenMqtt({
    broker,
    port: options.port ?? 0,
    wsPort: options.wsPort ?? 0,
    host,
    maxPacketBytes: MAX_MQTT_PACKET_BYTES,
    http: handleDataPlane,
  }).catch(async (err: unknown) => {
    await closeBroker();
    throw err;
  });
  const urlHost = host === '0.0.0.0' ? 'localhost' : host;

  return {
    url: `mqtt://${urlHost}:${listeners.port}`,
    wsUrl: `ws://${urlHost}:${listeners.wsPort}/mqtt`,
    port: listeners.port,
    wsPort: listeners.wsPort,
    dataPlaneEndpoint: `http://${urlHost}:${listeners.wsPort}`,
    broker,
    handleDataPlane,
    publish,
    intake: (filter, onMessage) => intakes.add(broker, filter, onMessage),
    subscribe: (pattern, onMessage) => subscribeInProcess(broker, pattern, onMessage),
    retained: () => new Map(retained.view),
    async stop() {
      await listeners.closeClients();
      await closeBroker();
      await listeners.close();
    },
  };
}

/** In-process publishes (the backend and the Data Plane), refused while a closed intake covers the topic. */
function publisher(broker: Aedes, intakes: MqttIntakes): EmbeddedMqtt['publish'] {
  return (packet) => {
    // A publish into a closed intake (the processor is stopping) would be answered and then
    // dropped: it is refused instead, so the caller knows to send it again.
    if (intakes.closedOn(packet.topic))
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
  };
}

async function subscribeInProcess(
  broker: Aedes,
  pattern: string,
  onMessage: (topic: string, payload: Buffer) => void,
): Promise<() => Promise<void>> {
  const deliver = (packet: AedesPublishPacket, cb: () => void) => {
    // aedes replays retained messages only to MQTT clients, never here; $SYS is the broker's own chatter.
    if (!packet.topic.startsWith('$SYS/')) onMessage(packet.topic, toBuffer(packet.payload));
    cb();
  };
  await new Promise<void>((resolve) => broker.subscribe(pattern, deliver, () => resolve()));
  return () => new Promise<void>((resolve) => broker.unsubscribe(pattern, deliver, () => resolve()));
}
