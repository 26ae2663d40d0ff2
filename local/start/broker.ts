import { join } from 'node:path';
import { startMqtt, type EmbeddedMqtt } from '../embedded/mqtt';
import { createSigV4Verifier } from '../embedded/sigv4-verifier';
import type { Part, StartContext } from './parts';

/**
 * The MQTT broker (TCP and WebSocket) with the IoT Data Plane route, its
 * retained messages under `<dataDir>/mqtt`. With a device password, devices
 * sign in with username = device id and that password.
 */
export async function startBroker(
  options: StartContext & { port: number; wsPort: number; devicePassword: string | undefined },
): Promise<Part<EmbeddedMqtt>> {
  const { devicePassword } = options;
  const mqtt = await startMqtt({
    port: options.port,
    wsPort: options.wsPort,
    host: options.host,
    verifyDataPlaneRequest: createSigV4Verifier({ credentials: options.credentials, service: 'iotdata' }),
    log: options.log,
    ...(options.dataDir ? { persistence: join(options.dataDir, 'mqtt') } : {}),
    ...(devicePassword
      ? { deviceCredentials: { verify: (_id: string, password: string) => password === devicePassword } }
      : {}),
  });
  options.log(`[local] MQTT on ${mqtt.url} and ${mqtt.wsUrl}`);
  return { handle: mqtt, stop: () => mqtt.stop() };
}
