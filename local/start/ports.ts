import { createServer } from 'node:net';
import { PortInUseError } from '../embedded/listen';
import { LOCAL_DEFAULTS, PORT_VARIABLES, type LocalConfig } from '../config';

export type LocalPorts = LocalConfig['ports'];
type PortName = keyof typeof PORT_VARIABLES;

/** The ports asked for, each defaulting to docs/LOCAL.md's; 0 = a free port. */
export function portsOf(asked: Partial<LocalPorts> = {}): LocalPorts {
  return {
    graphql: asked.graphql ?? LOCAL_DEFAULTS.graphqlPort,
    mqtt: asked.mqtt ?? LOCAL_DEFAULTS.mqttPort,
    mqttWs: asked.mqttWs ?? LOCAL_DEFAULTS.mqttWsPort,
    cognito: asked.cognito ?? LOCAL_DEFAULTS.cognitoPort,
    dynamodb: asked.dynamodb ?? LOCAL_DEFAULTS.dynamodbPort,
  };
}

/**
 * Refuses to start when a fixed port is taken, naming the variable that
 * moves it. Run before anything starts, so a taken port fails fast and
 * touches no data.
 */
export async function checkPorts(ports: LocalPorts, host: string): Promise<void> {
  for (const [name, port] of Object.entries(ports) as [PortName, number][]) {
    if (!port) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => reject(portError(err, port, name)));
      probe.listen(port, host, () => probe.close(() => resolve()));
    });
  }
}

/** Turns a listen failure of an embedded part into a PortInUseError naming its variable. */
export async function namingPort<T>(name: PortName, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw portError(err as NodeJS.ErrnoException, port, name);
  }
}

function portError(err: NodeJS.ErrnoException, port: number, name: PortName): unknown {
  return err.code === 'EADDRINUSE' || err.code === 'EACCES'
    ? new PortInUseError(port, PORT_VARIABLES[name], { cause: err })
    : err;
}
