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
import type { JSONWebKeySet } from 'jose';
import { localClientConfig } from './dynamodb';
import { startCognitoFront, type AdminRequestVerifier, type FrontUserPool } from './cognito-front';
import { LocalTokenGenerator, loadSigningKey } from './cognito-tokens';
import { generateLocalCredentials, type LocalCredentials } from './local-credentials';

// cognito-local is CommonJS and exposes its building blocks only by path.
const require = createRequire(import.meta.url);
const { CognitoError, UnsupportedError } = require('cognito-local/lib/errors');
const { Router } = require('cognito-local/lib/server/Router');
const { loadConfig } = require('cognito-local/lib/server/config');
const services = require('cognito-local/lib/services');
const { CognitoServiceFactoryImpl } = require('cognito-local/lib/services/cognitoService');
const { UserPoolServiceFactoryImpl } = require('cognito-local/lib/services/userPoolService');
const { StormDBDataStoreFactory } = require('cognito-local/lib/services/dataStore/stormDb');
const { MessageDeliveryService } = require('cognito-local/lib/services/messageDelivery/messageDelivery');
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
  /**
   * Guards every operation AWS answers only with a SigV4 signature (the admin
   * and pool-management operations); resolves with a refusal or undefined.
   */
  verifyAdminRequest?: AdminRequestVerifier;
  /** The local credentials its admin client signs with; omitted = a fresh random pair. */
  credentials?: LocalCredentials;
  /** Where the codes Cognito would email (password reset, verification) are printed. */
  log?: (line: string) => void;
}

/** A code the pool would have sent by email or SMS. */
export interface SentCode {
  username: string;
  destination: string;
  code: string;
  sentAt: number;
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
  /** The public key the pool's tokens are signed with (made per data dir): the only one to trust. */
  jwks: JSONWebKeySet;
  /** The PEM file of the signing key (owner-only, in the data dir). */
  signingKeyFile: string;
  client: CognitoIdentityProviderClient;
  /** The codes sent since the start, newest last (the local mode sends no email). */
  sentCodes(): readonly SentCode[];
  stop(): Promise<void>;
}

/**
 * Starts cognito-local in this process with its data under `dataDir`, behind
 * the Cognito front (cognito-front.ts) that answers on `port`, and makes sure the project's user pool, its groups and a dashboard app client
 * exist (created on the first start, found again afterwards).
 */
export async function startCognito(options: EmbeddedCognitoOptions): Promise<EmbeddedCognito> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'local';
  mkdirSync(`${options.dataDir}/db`, { recursive: true });
  const logger = pino({ level: process.env.COGNITO_LOCAL_LOG ?? 'silent' });
  const ctx = { logger };
  const config = await loadConfig(ctx, new StormDBDataStoreFactory(options.dataDir));
  const clock = new services.DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(`${options.dataDir}/db`);
  const cognitoService = await new CognitoServiceFactoryImpl(
    `${options.dataDir}/db`,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const sent: SentCode[] = [];
  const log = options.log ?? (() => undefined);
  // Instead of email or SMS: the code goes to the local mode's log and is remembered.
  const sender = {
    async sendEmail(
      _c: unknown,
      user: { Username: string },
      destination: string,
      message: { __code?: string },
    ) {
      const code = String(message.__code ?? '');
      sent.push({ username: user.Username, destination, code, sentAt: Date.now() });
      if (sent.length > 100) sent.shift();
      log(`[cognito] code for ${destination}: ${code}`);
    },
    sendSms(c: unknown, user: { Username: string }, destination: string, message: { __code?: string }) {
      return sender.sendEmail(c, user, destination, message);
    },
  };
  const triggers = new services.TriggersService(
    clock,
    cognitoService,
    // No Lambda triggers are configured locally; the Lambda client is never called.
    { enabled: () => false, invoke: async () => ({}) },
    new CryptoService(config.KMSConfig),
  );
  // Signed with a key made for this data dir, never with the one cognito-local ships in its package.
  const signingKeyFile = `${options.dataDir}/token-signing-key.pem`;
  const key = await loadSigningKey(signingKeyFile);
  let endpoint = '';
  const svc = {
    clock,
    cognito: cognitoService,
    config,
    messages: new services.MessagesService(triggers, new MessageDeliveryService(sender)),
    otp,
    tokenGenerator: new LocalTokenGenerator(
      key,
      // Tokens must name the issuer that clients can reach, known once the front listens.
      () => endpoint,
      (code, message) => new CognitoError(code, message),
    ),
    triggers,
  };
  const route = Router(svc);
  const front = await startCognitoFront({
    port: options.port ?? 0,
    host,
    route: (target) => route(target),
    isCognitoError: (err): err is Error & { code: string } => err instanceof CognitoError,
    isUnsupported: (err) => err instanceof UnsupportedError,
    context: ctx,
    poolForClient: (c, clientId) =>
      cognitoService.getUserPoolForClientId(c, clientId) as Promise<FrontUserPool>,
    pool: (c, userPoolId) => cognitoService.getUserPool(c, userPoolId) as Promise<FrontUserPool>,
    key,
    revocationsFile: `${options.dataDir}/revoked-tokens.json`,
    ...(options.verifyAdminRequest ? { verifyAdminRequest: options.verifyAdminRequest } : {}),
  });
  endpoint = front.endpoint;
  const port = front.port;
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
    jwks: key.jwks,
    signingKeyFile,
    client,
    sentCodes: () => [...sent],
    async stop() {
      client.destroy();
      await front.stop();
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
