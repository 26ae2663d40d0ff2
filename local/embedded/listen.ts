import type { AddressInfo, Server as NetServer } from 'node:net';

/** A port the local mode needs is taken; the message names the variable that moves it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly variable: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} is already in use (${variable}). Stop whatever listens on it, or pick another port: ${variable}=<free port> npm start`,
      options,
    );
  }
}

/**
 * Listens on `port` (0 = a free one) and resolves with the port actually
 * bound. EADDRINUSE becomes a PortInUseError naming `variable`, so a person
 * knows which setting to change.
 */
export function listenOn(server: NetServer, port: number, host: string, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new PortInUseError(port, variable, { cause: err })
          : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
