import { join } from 'node:path';
import { startDynamo, type EmbeddedDynamo } from '../embedded/dynamodb';
import type { Part, StartContext } from './parts';
import { namingPort } from './ports';

/** dynalite behind the SigV4 front, with the project's table; LevelDB under `<dataDir>/dynamodb` or in memory. */
export async function startDynamoPart(
  options: StartContext & { tableName: string; port: number },
): Promise<Part<EmbeddedDynamo>> {
  const dynamo = await namingPort('dynamodb', options.port, () =>
    startDynamo({
      tableName: options.tableName,
      port: options.port,
      host: options.host,
      credentials: options.credentials,
      ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}),
    }),
  );
  options.log(`[local] DynamoDB (dynalite) on ${dynamo.endpoint}`);
  return { handle: dynamo, stop: () => dynamo.stop() };
}
