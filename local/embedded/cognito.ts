import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  GroupExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { localClientConfig } from './dynamodb';
import { generateLocalCredentials, type LocalCredentials } from './local-credentials';
import { withGlobalSignOut } from './cognito-global-sign-out';

// cognito-local is CommonJS and exposes its building blocks only by path.
const require = createRequire(import.meta.url);
const { createServer } = require('cognito-local/lib/server/server');
const { Router } = require('cognito-local/lib/server/Router');
const { loadConfig } = require('cognito-local/lib/server/config');
const services = require('cognito-local/lib/services');
const { CognitoServiceFactoryImpl } = require('cognito-local/lib/services/cognitoService');
const { UserPoolServiceFactoryImpl } = require('cognito-local/lib/services/userPoolService');
const { StormDBDataStoreFactory } = require('cognito-local/lib/services/dataStore/stormDb');
const { MessageDeliveryService } = require('cognito-local/lib/services/messageDelivery/messageDelivery');
const { ConsoleMessageSender } = require('cognito-local/lib/services/messageDelivery/consoleMessageSender');
const { JwtTokenGenerator } = require('cognito-local/lib/services/tokenGenerator');
const { CryptoService } = require('cognito-local/lib/services/crypto');
const { otp } = require('cognito-local/lib/services/otp');
const pino = require('pino');

export const USER_POOL_NAME = 'yvr-local-users';
export const USER_POOL_CLIENT_NAME = 'yvr-local-dashboard';
export const GROUPS = ['admin', 'user'] as const;

/** The password policy of the old pool, kept in AWS and locally. */
export const PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};

export interface EmbeddedCognitoOptions {
  /** Folder for cognito-local's JSON files (kept across restarts). */
  dataDir: string;
  port?: number;
  host?: string;
  region?: string;
  /** The local credentials its admin client signs with; omitted = a fresh random pair. */
  credentials?: LocalCredentials;
}

export interface EmbeddedCognito {
  endpoint: string;
  port: number;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Token issuer: `${endpoint}/${userPoolId}`. */
  issuer: string;
  jwksUri: string;
  client: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

/**
 * Starts cognito-local in this process with its data under `dataDir`, and
 * makes sure the project's user pool, its groups and a dashboard app client
 * exist (created on the first start, found again afterwards).
 */
export async function startCognito(options: EmbeddedCognitoOptions): Promise<EmbeddedCognito> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'local';
  mkdirSync(`${options.dataDir}/db`, { recursive: true });
  const logger = pino({ level: process.env.COGNITO_LOCAL_LOG ?? 'silent' });
  const ctx = { logger };
  const config = await loadConfig(ctx, new StormDBDataStoreFactory(options.dataDir));
  config.ServerConfig = { ...config.ServerConfig, port: options.port ?? 0, hostname: host, https: false };
  const clock = new services.DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(`${options.dataDir}/db`);
  const cognitoService = await new CognitoServiceFactoryImpl(
    `${options.dataDir}/db`,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new services.TriggersService(
    clock,
    cognitoService,
    // No Lambda triggers are configured locally; the Lambda client is never called.
    { enabled: () => false, invoke: async () => ({}) },
    new CryptoService(config.KMSConfig),
  );
  const svc = {
    clock,
    cognito: cognitoService,
    config,
    messages: new services.MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const server: Server = await createServer(
    withGlobalSignOut(Router(svc), svc),
    logger,
    config.ServerConfig,
    svc,
  ).start();
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;
  // Tokens must name the issuer that clients can reach; the generator reads it per token.
  config.TokenConfig.IssuerDomain = endpoint;

  const client = new CognitoIdentityProviderClient(
    localClientConfig(endpoint, region, options.credentials ?? generateLocalCredentials()),
  );
  const { userPoolId, userPoolClientId } = await ensurePool(client);
  return {
    endpoint,
    port,
    region,
    userPoolId,
    userPoolClientId,
    issuer: `${endpoint}/${userPoolId}`,
    jwksUri: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
    client,
    async stop() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function ensurePool(client: CognitoIdentityProviderClient) {
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === USER_POOL_NAME)?.Id;
  if (!userPoolId) {
    const created = await client.send(
      new CreateUserPoolCommand({
        PoolName: USER_POOL_NAME,
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: { PasswordPolicy: PASSWORD_POLICY },
      }),
    );
    userPoolId = created.UserPool!.Id!;
  }
  // cognito-local's CreateGroup overwrites an existing group (and with it the
  // member list), so only missing groups are created.
  const existing = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
  const names = new Set(existing.Groups?.map((g) => g.GroupName));
  for (const group of GROUPS) {
    if (names.has(group)) continue;
    try {
      await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
    } catch (err) {
      if (!(err instanceof GroupExistsException) && (err as Error).name !== 'GroupExistsException') throw err;
    }
  }
  const clients = await client.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  let userPoolClientId = clients.UserPoolClients?.find(
    (c) => c.ClientName === USER_POOL_CLIENT_NAME,
  )?.ClientId;
  if (!userPoolClientId) {
    const created = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: USER_POOL_CLIENT_NAME,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    userPoolClientId = created.UserPoolClient!.ClientId!;
  }
  return { userPoolId, userPoolClientId };
}
