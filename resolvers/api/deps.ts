import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  DeviceService,
  DynamoDeviceStore,
  IotConfigPublisher,
  type ConfigPublisher,
} from '../../core/devices';
import type { ApiDeps } from './app';

/**
 * The SDK clients and names the API's services are built from. The Lambda
 * passes AWS clients; the local mode passes clients pointed at its embedded
 * parts. Optional fields belong to areas whose routers are not wired yet.
 */
export interface ApiClients {
  dynamo: DynamoDBClient;
  tableName: string;
  iotData: IoTDataPlaneClient;
  cognito?: CognitoIdentityProviderClient;
  userPoolId?: string;
  timestreamQuery?: TimestreamQueryClient;
  timestreamDatabase?: string;
  timestreamTable?: string;
  /** Replaces the IoT publisher (tests inject failures; the local mode may publish in-process). */
  configPublisher?: ConfigPublisher;
  clock?: () => Date;
  logger?: Logger;
}

/** Wires services to ports to clients; nothing here reads the environment. */
export function buildApiDeps(clients: ApiClients): ApiDeps {
  const documents = documentClientOf(clients.dynamo);
  const store = new DynamoDeviceStore({ client: documents, tableName: clients.tableName });
  const publisher = clients.configPublisher ?? new IotConfigPublisher({ client: clients.iotData });
  const devices = new DeviceService({
    store,
    publisher,
    ...(clients.clock ? { clock: clients.clock } : {}),
    ...(clients.logger ? { logger: clients.logger } : {}),
  });
  // TODO(users/accounts engineer): users + accounts services from clients.dynamo, clients.cognito, clients.userPoolId
  // TODO(telemetry engineer): telemetry + rejected services from clients.timestreamQuery, clients.timestreamDatabase/Table
  return { devices, ...(clients.logger ? { logger: clients.logger } : {}) };
}

/**
 * One document client per DynamoDB client. It shares the client's middleware
 * stack, so request-counting middleware added to the raw client sees it too.
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
