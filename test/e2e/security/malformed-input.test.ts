import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import type { LocalMode } from '../../../local/start-local';
import { REALTIME_LIMITS } from '../../../local/server/realtime-limits';
import { adminToken, graphqlWsClient, startTestLocal } from '../../../testkit/local-mode';
import { sleep } from '../../../testkit/wait-for';
import { AppSyncRealtimeClient } from '../../helpers/appsync-realtime-client';

// Issue 12, item 4: one malformed request, frame or header, sent without a token, took every part
// of the local mode down. Each listener must answer with its protocol's error and stay up.

const INIT_TIMEOUT_MS = 400;
let local: LocalMode;
let graphqlPort: number;
let mqttWsPort: number;
let token: string;

beforeAll(async () => {
  local = await startTestLocal({ connectionInitTimeoutMs: INIT_TIMEOUT_MS });
  graphqlPort = local.server.port;
  mqttWsPort = local.mqtt.wsPort;
  token = await adminToken(local.outputs);
});
afterAll(async () => {
  await local?.stop();
});

/** Writes raw bytes to a port and resolves with whatever comes back before the server closes (or 2 s pass). */
function raw(port: number, bytes: string | Buffer, waitMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (c) => {
      chunks.push(c);
      // One HTTP answer is all these tests wait for.
      if (/^HTTP\/1\.1 \d{3}[\s\S]*\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

const dynamoPort = () => Number(new URL(local.outputs.DynamoDbEndpoint).port);
const cognitoPort = () => Number(new URL(local.outputs.CognitoEndpoint).port);

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

/** Every listener still answers: GraphQL's health, the Data Plane's HTTP server, MQTT over TCP. */
async function expectAllUp() {
  const health = await fetch(local.outputs.HealthUrl);
  expect(health.status).toBe(200);
  expect((await fetch(local.outputs.DynamoDbEndpoint)).status).toBe(200);
  expect((await fetch(`${local.outputs.CognitoEndpoint}/health`)).status).toBeLessThan(500);
  const dataPlane = await fetch(`${local.outputs.IotDataEndpoint}/nothing-here`);
  expect(dataPlane.status).toBe(404);
  const mqttAnswer = await new Promise<boolean>((resolve) => {
    const s = connect(local.mqtt.port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
  expect(mqttAnswer).toBe(true);
}

function upgradeRequest(target: string, protocol = 'graphql-ws') {
  return (
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`
  );
}

async function appsyncSocket(): Promise<WebSocket> {
  const header = Buffer.from(JSON.stringify({ Authorization: token, host: 'localhost' })).toString('base64');
  const socket = new WebSocket(`${local.outputs.RealtimeUrl}?header=${header}&payload=e30=`, 'graphql-ws');
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

const nextMessage = (socket: WebSocket) =>
  new Promise<{ type: string; payload?: { errors?: { errorType: string }[] } }>((resolve) =>
    socket.once('message', (data) => resolve(JSON.parse(data.toString()))),
  );
const closeOf = (socket: WebSocket) =>
  new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

describe('malformed requests on the MQTT WebSocket port (IoT Data Plane routes)', () => {
  it('answers GET /retainedMessage/%E0%A4%A with 400 and stays up', async () => {
    const answer = await raw(mqttWsPort, 'GET /retainedMessage/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(answer)).toBe(400);
    expect(answer).toContain('InvalidRequestException');
    await expectAllUp();
  });

  it('answers POST /topics/%E0%A4%A with 400 and stays up', async () => {
    const answer = await raw(
      mqttWsPort,
      'POST /topics/%E0%A4%A HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}',
    );
    expect(statusOf(answer)).toBe(400);
    await expectAllUp();
  });

  it('answers the request-target //x:99999999/ with 404 and stays up', async () => {
    const answer = await raw(mqttWsPort, 'GET //x:99999999/ HTTP/1.1\r\nHost: x\r\n\r\n');
    // Read as the path it is (HTTP's origin form), which no route serves.
    expect(statusOf(answer)).toBe(404);
    await expectAllUp();
  });
});

describe('malformed requests on the GraphQL port', () => {
  it('answers the request-target //x:99999999/ over plain HTTP with a 4xx', async () => {
    const answer = await raw(graphqlPort, 'GET //x:99999999/ HTTP/1.1\r\nHost: x\r\n\r\n');
    // A path (origin form) the API does not serve: 404, as for any other unknown path.
    expect(statusOf(answer)).toBe(404);
    await expectAllUp();
  });

  it('refuses a WebSocket upgrade to //x:99999999/ with 404 and stays up', async () => {
    const answer = await raw(graphqlPort, upgradeRequest('//x:99999999/'));
    expect(statusOf(answer)).toBe(404);
    await expectAllUp();
  });
});

describe('malformed frames on the AppSync real-time socket', () => {
  it('answers the text frame null with a BadRequestException and keeps the socket', async () => {
    const socket = await appsyncSocket();
    const answer = nextMessage(socket);
    socket.send('null');
    expect((await answer).payload?.errors?.[0]?.errorType).toBe('BadRequestException');
    // Still usable afterwards.
    const ack = nextMessage(socket);
    socket.send(JSON.stringify({ type: 'connection_init' }));
    expect((await ack).type).toBe('connection_ack');
    socket.close();
    await expectAllUp();
  });

  it('closes a socket whose frame header announces 200 MiB, and stays up', async () => {
    const answer = await new Promise<string>((resolve) => {
      const s = connect(graphqlPort, '127.0.0.1');
      let text = '';
      let sent = false;
      s.on('data', (c) => {
        text += c.toString('latin1');
        if (!sent && text.includes('\r\n\r\n')) {
          sent = true;
          // FIN + text, masked, 64-bit length 200 MiB, then a mask key and a few bytes.
          const header = Buffer.alloc(14);
          header[0] = 0x81;
          header[1] = 0x80 | 127;
          header.writeBigUInt64BE(200n * 1024n * 1024n, 2);
          s.write(Buffer.concat([header, Buffer.alloc(64, 0x61)]));
        }
      });
      s.on('close', () => resolve(text));
      s.on('error', () => undefined);
      s.write(upgradeRequest('/graphql/realtime'));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 101/);
    // The close frame ws sends: opcode 0x88, code 1009 (message too big).
    expect(answer).toContain(String.fromCharCode(0x88));
    await expectAllUp();
  });

  it(`closes a socket sending a message over AppSync's ${REALTIME_LIMITS.maxMessageBytes} bytes with 1009`, async () => {
    const socket = await appsyncSocket();
    const closed = closeOf(socket);
    socket.on('error', () => undefined);
    socket.send('x'.repeat(REALTIME_LIMITS.maxMessageBytes + 1));
    expect(await closed).toBe(1009);
    await expectAllUp();
  });

  it('closes a socket that never sends connection_init after the timeout', async () => {
    const socket = await appsyncSocket();
    const message = nextMessage(socket);
    const code = await closeOf(socket);
    expect(code).toBe(4408);
    expect((await message).payload?.errors?.[0]?.errorType).toBe('ConnectionInitTimeout');
  });

  it(`refuses subscription ${REALTIME_LIMITS.maxSubscriptionsPerConnection + 1} on one connection with MaxSubscriptionsReachedError`, async () => {
    const { client } = await AppSyncRealtimeClient.connect(local.outputs.RealtimeUrl, token);
    const query = 'subscription { onDeviceConfigChanged { id } }';
    for (let i = 0; i < REALTIME_LIMITS.maxSubscriptionsPerConnection; i++) {
      expect((await client.start(`s${i}`, query)).type).toBe('start_ack');
    }
    const refused = await client.start('one-too-many', query);
    expect(refused.type).toBe('error');
    expect(refused.payload?.errors?.[0]?.errorType).toBe('MaxSubscriptionsReachedError');
    client.close();
  });
});

describe('graphql-ws (graphql-transport-ws) applies the same subscription limit', () => {
  it(`errors subscription ${REALTIME_LIMITS.maxSubscriptionsPerConnection + 1} on one connection with MaxSubscriptionsReachedError`, async () => {
    const client = graphqlWsClient(local.outputs, token);
    const query = 'subscription { onDeviceConfigChanged { id } }';
    const disposers: (() => void)[] = [];
    for (let i = 0; i < REALTIME_LIMITS.maxSubscriptionsPerConnection; i++)
      disposers.push(
        client.subscribe(
          { query },
          { next: () => undefined, error: () => undefined, complete: () => undefined },
        ),
      );
    const refused = await new Promise<unknown>((resolve) =>
      disposers.push(
        client.subscribe(
          { query },
          { next: () => undefined, error: resolve, complete: () => resolve(undefined) },
        ),
      ),
    );
    expect(JSON.stringify(refused)).toMatch(/MaxSubscriptionsReachedError/);
    for (const dispose of disposers) dispose();
    await client.dispose();
  });
});

describe('no input stops the server (properties)', () => {
  it('every request line on every HTTP port (GraphQL, Data Plane, DynamoDB, Cognito) leaves every listener up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(graphqlPort, mqttWsPort, dynamoPort(), cognitoPort()),
        fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'X'),
        fc.oneof(
          fc.string({ maxLength: 60 }).map((s) => `/${s}`),
          fc.string({ maxLength: 60 }).map((s) => `//${s}`),
          fc.constantFrom('/topics/', '/retainedMessage/', '/graphql', '/graphql/realtime').chain((p) =>
            fc
              .array(fc.constantFrom('%', '%E0', '%A4', 'a', '/', '%2F', '..', ':', '9', '?', '#'), {
                maxLength: 12,
              })
              .map((parts) => p + parts.join('')),
          ),
        ),
        fc.boolean(),
        async (port, method, target, upgrade) => {
          // Whatever cannot travel in a request line at all (controls, spaces, non-ASCII) is %20.
          const safeTarget = [...target]
            .map((c) => (c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) >= 0x7f ? '%20' : c))
            .join('');
          const request = upgrade
            ? upgradeRequest(safeTarget)
            : `${method} ${safeTarget} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`;
          const answer = await raw(port, request, 1_000);
          // Some answer or a plain close; never a dead process (checked below).
          expect(typeof answer).toBe('string');
        },
      ),
      { numRuns: 60, seed: 0x12_04 },
    );
    await expectAllUp();
  });

  it('every frame on the AppSync socket leaves the server up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.constantFrom(
            'null',
            '1',
            '[]',
            '"x"',
            '{"type":null}',
            '{"type":"start"}',
            '{"type":"start","id":1}',
          ),
          fc
            .record({
              type: fc.constantFrom('start', 'stop', 'connection_init', 'ka', 'x'),
              id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
              payload: fc.oneof(
                fc.anything(),
                fc.record({ data: fc.oneof(fc.string(), fc.json(), fc.anything()) }),
              ),
            })
            .map((m) => JSON.stringify(m)),
        ),
        async (frame) => {
          const socket = await appsyncSocket();
          socket.on('error', () => undefined);
          socket.send(frame);
          await sleep(5);
          socket.close();
        },
      ),
      { numRuns: 60, seed: 0x12_05 },
    );
    await expectAllUp();
  });

  it('every header value on a GraphQL request leaves the server up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'authorization',
          'content-type',
          'content-length',
          'sec-websocket-protocol',
          'host',
          'x-amz-date',
        ),
        fc.string({ maxLength: 80 }),
        async (name, value) => {
          const safe = [...value]
            .map((c) => (c === '\r' || c === '\n' || c.charCodeAt(0) === 0 ? ' ' : c))
            .join('');
          await raw(
            graphqlPort,
            `POST /graphql HTTP/1.1\r\nHost: x\r\n${name}: ${safe}\r\nContent-Length: 2\r\n\r\n{}`,
            1_000,
          );
        },
      ),
      { numRuns: 60, seed: 0x12_06 },
    );
    await expectAllUp();
  });

  it('every byte string on the MQTT TCP port leaves the broker up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          // A CONNECT-looking start followed by anything.
          fc
            .uint8Array({ maxLength: 200 })
            .map((rest) => Uint8Array.from([0x10, rest.length & 0x7f, ...rest])),
          // A PUBLISH announcing a huge remaining length.
          fc.constant(Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00])),
        ),
        async (bytes) => {
          await raw(local.mqtt.port, Buffer.from(bytes), 300);
        },
      ),
      { numRuns: 60, seed: 0x12_07 },
    );
    await expectAllUp();
  });

  it('every frame on a graphql-ws socket leaves the server up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.constantFrom('null', '{"type":"subscribe"}', '{"type":"connection_init","payload":null}'),
        ),
        async (frame) => {
          const socket = new WebSocket(
            local.outputs.GraphQLUrl.replace('http', 'ws'),
            'graphql-transport-ws',
          );
          socket.on('error', () => undefined);
          await new Promise<void>((resolve) => {
            socket.once('open', () => resolve());
            socket.once('close', () => resolve());
          });
          if (socket.readyState === socket.OPEN) socket.send(frame);
          await sleep(5);
          socket.close();
        },
      ),
      { numRuns: 40, seed: 0x12_08 },
    );
    await expectAllUp();
  });
});
