import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalTelemetryKind } from '../config';
import type { LocalTls } from '../embedded/certificates';
import type { EmbeddedCognito } from '../embedded/cognito';
import type { EmbeddedDynamo } from '../embedded/dynamodb';
import type { EmbeddedMqtt } from '../embedded/mqtt';
import type { GraphqlServer } from '../server/http-server';
import type { LocalTelemetry } from './telemetry';

/** What `.local/outputs.json` holds: the endpoints clients need, named like the CDK stack's outputs. */
export interface LocalOutputs {
  GraphQLUrl: string;
  RealtimeUrl: string;
  MqttUrl: string;
  MqttWsUrl: string;
  IotDataEndpoint: string;
  UserPoolId: string;
  UserPoolClientId: string;
  CognitoEndpoint: string;
  CognitoIssuer: string;
  JwksUri: string;
  DynamoDbEndpoint: string;
  TableName: string;
  TelemetryStore: string;
  /** `duckdb` or `dynamodb` (CONTRACT.md section 3). */
  TelemetryStoreKind: LocalTelemetryKind;
  Region: string;
  AdminEmail: string;
  HealthUrl: string;
  /** The operator console (served from console/dist). */
  ConsoleUrl: string;
  /** `https://` form of GraphQLUrl: the same port also speaks TLS. */
  GraphQLHttpsUrl: string;
  /** Absolute path of the local CA's PEM, which signs the GraphQL port's certificate (CONTRACT.md section 3). */
  CaCertificateFile: string;
  /** GET: the alert notifications that would have been sent (CONTRACT.md section 3). */
  OutboxUrl: string;
  OutboxDir: string;
}

/** The outputs of the started parts; written to `<dataDir>/outputs.json` when there is a data dir. */
export function writeOutputs(
  dataDir: string | undefined,
  parts: {
    server: GraphqlServer;
    mqtt: EmbeddedMqtt;
    cognito: EmbeddedCognito;
    dynamo: EmbeddedDynamo;
    telemetry: LocalTelemetry;
    tls: LocalTls;
    tableName: string;
    region: string;
    admin: { email: string };
    api: { outboxDir: string };
  },
): LocalOutputs {
  const { server, mqtt, cognito } = parts;
  const route = (path: string) => server.url.replace(/\/graphql$/, path);
  const outputs: LocalOutputs = {
    GraphQLUrl: server.url,
    RealtimeUrl: server.realtimeUrl,
    MqttUrl: mqtt.url,
    MqttWsUrl: mqtt.wsUrl,
    IotDataEndpoint: mqtt.dataPlaneEndpoint,
    UserPoolId: cognito.userPoolId,
    UserPoolClientId: cognito.userPoolClientId,
    CognitoEndpoint: cognito.endpoint,
    CognitoIssuer: cognito.issuer,
    JwksUri: cognito.jwksUri,
    DynamoDbEndpoint: parts.dynamo.endpoint,
    TableName: parts.tableName,
    TelemetryStore: parts.telemetry.path,
    TelemetryStoreKind: parts.telemetry.kind,
    Region: parts.region,
    AdminEmail: parts.admin.email,
    HealthUrl: route('/health'),
    ConsoleUrl: route('/console/'),
    GraphQLHttpsUrl: server.secureUrl!,
    CaCertificateFile: parts.tls.caCertificateFile,
    OutboxUrl: route('/outbox'),
    OutboxDir: parts.api.outboxDir,
  };
  if (dataDir) writeFileSync(join(dataDir, 'outputs.json'), `${JSON.stringify(outputs, null, 2)}\n`);
  return outputs;
}
