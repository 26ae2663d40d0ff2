import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { BenchFigure, BenchSection } from '../lib';
import { againstBaseline, percentile } from '../lib';
import { ensureTable, localClientConfig, startDynamo } from '../../local/embedded/dynamodb';
import { checkLevelStore } from '../../local/embedded/data-dir-check';
import { generateLocalCredentials } from '../../local/embedded/local-credentials';
import { createSigV4Verifier } from '../../local/embedded/sigv4-verifier';
import { MqttPacketSizeGuard } from '../../local/embedded/mqtt-packet-limit';

// What the local mode's guards (issue 12) cost: SigV4 verification next to the SDK signing the
// same request, DynamoDB GetItem through the verifying front next to bare dynalite, the LevelDB
// check at start, and the MQTT packet-size guard's scan rate.

const TABLE = 'yvr-bench-guards';
const credentials = generateLocalCredentials();

async function signedRequest(signer: SignatureV4) {
  return signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8000,
      path: '/',
      headers: {
        host: '127.0.0.1:8000',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem',
      },
      body: '{"TableName":"t","Key":{"pk":{"S":"DEVICE#1"},"sk":{"S":"DEVICE"}}}',
    }),
  );
}

async function perSecond(n: number, run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await run();
  return n / ((performance.now() - start) / 1000);
}

async function getLatencies(client: DynamoDBClient, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `B#${i % 100}` }, sk: { S: 'x' } } }),
    );
    times.push(performance.now() - start);
  }
  return times;
}

export default async function localGuards(): Promise<BenchSection> {
  const figures: BenchFigure[] = [];
  const signer = new SignatureV4({ credentials, region: 'local', service: 'dynamodb', sha256: Sha256 });
  const verify = createSigV4Verifier({ credentials, service: 'dynamodb' });
  const sample = await signedRequest(signer);
  const headers = Object.fromEntries(Object.entries(sample.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const signs = await perSecond(3_000, () => signedRequest(signer));
  const verifies = await perSecond(3_000, () => verify('POST', '/', headers, sample.body as string));
  figures.push(
    ...againstBaseline(
      { name: 'SDK signs a DynamoDB request', value: signs, unit: 'req/s' },
      { name: 'verifier checks a DynamoDB request', value: verifies },
      'SDK signing',
    ),
  );

  // GetItem through the front vs bare dynalite, both in memory, same client settings.
  const bare: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', () => resolve()));
  const bareClient = new DynamoDBClient(
    localClientConfig(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`, 'local', credentials),
  );
  await ensureTable(bareClient, TABLE);
  const guarded = await startDynamo({ tableName: TABLE, credentials });
  for (const client of [bareClient, guarded.client])
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TABLE]: Array.from({ length: 25 }, (_, i) => ({
            PutRequest: { Item: { pk: { S: `B#${i}` }, sk: { S: 'x' }, v: { S: 'y'.repeat(200) } } },
          })),
        },
      }),
    );
  await getLatencies(bareClient, 200);
  await getLatencies(guarded.client, 200);
  const bareP50 = percentile(await getLatencies(bareClient, 1_000), 50);
  const guardedP50 = percentile(await getLatencies(guarded.client, 1_000), 50);
  figures.push(
    ...againstBaseline(
      { name: 'GetItem p50, bare dynalite', value: bareP50, unit: 'ms' },
      { name: 'GetItem p50, through the SigV4 front', value: guardedP50 },
      'bare dynalite',
    ),
  );
  bareClient.destroy();
  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await guarded.stop();

  // The LevelDB check at start, on a store of 10,000 items of ~250 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'yvr-bench-ldb-'));
  try {
    const filled = await startDynamo({ tableName: TABLE, credentials, dataDir: dir });
    for (let batch = 0; batch < 400; batch++)
      await filled.client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [TABLE]: Array.from({ length: 25 }, (_, i) => ({
              PutRequest: {
                Item: { pk: { S: `F#${batch * 25 + i}` }, sk: { S: 'x' }, v: { S: 'y'.repeat(200) } },
              },
            })),
          },
        }),
      );
    await filled.stop();
    const start = performance.now();
    await checkLevelStore(dir);
    figures.push({
      name: 'LevelDB check at start, 10,000 items',
      value: performance.now() - start,
      unit: 'ms',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // The packet guard over a stream of 200-byte publishes, in 64 KiB chunks as TCP delivers them.
  const packet = Buffer.concat([Buffer.from([0x32, 0xc5, 0x01]), Buffer.alloc(197, 0x61)]);
  const stream = Buffer.concat(Array.from({ length: 5_000 }, () => packet));
  const guard = new MqttPacketSizeGuard(128 * 1024);
  const rounds = 50;
  const start = performance.now();
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < stream.length; i += 65_536) guard.feed(stream.subarray(i, i + 65_536));
  const seconds = (performance.now() - start) / 1000;
  figures.push({
    name: 'MQTT packet guard scan rate',
    value: (stream.length * rounds) / seconds / 1e6,
    unit: 'MB/s',
  });

  return {
    title: 'local-guards: SigV4 front, store check, MQTT packet guard',
    figures,
    notes: ['GetItem: 1,000 sequential calls after 200 warm-up, one client, in-memory dynalite.'],
  };
}
