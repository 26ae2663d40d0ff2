import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../local/embedded/listen';
import { startTestLocal, tempDir } from '../../testkit/local-mode';

const data = tempDir();
let blocker: Server | undefined;
afterAll(async () => {
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  data.remove();
});

describe('local mode: a port already taken', () => {
  it('refuses to start, naming the port and the variable to change', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', () => resolve()));
    const { port } = blocker.address() as AddressInfo;
    const start = startTestLocal({
      dataDir: data.dir,
      ports: { graphql: port, mqtt: 0, mqttWs: 0, cognito: 0, dynamodb: 0 },
    });
    await expect(start).rejects.toThrow(PortInUseError);
    await expect(start).rejects.toThrow(new RegExp(`Port ${port} is already in use \\(GRAPHQL_PORT\\)`));
  });
});
