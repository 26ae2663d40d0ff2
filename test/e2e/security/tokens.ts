import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';

function decodePart<T>(token: string, index: 0 | 1): T {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString()) as T;
}

/** The claims of a token (unverified), e.g. its `sub` and `email`. */
export function claimsOf(token: string): Record<string, unknown> {
  return decodePart(token, 1);
}

/**
 * The same claims as `token`, signed with cognito-local's own key, but
 * expired an hour ago: only the expiry is wrong. (Tokens cannot be aged with
 * fake timers: the server runs its own clock.)
 */
export async function expiredCopy(token: string): Promise<string> {
  const keys = join(
    dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
    'lib/keys',
  );
  const { jwk } = JSON.parse(readFileSync(join(keys, 'cognitoLocal.private.json'), 'utf8')) as { jwk: JWK };
  const key = await importJWK(jwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claimsOf(token), iat: now - 7200, exp: now - 3600 })
    .setProtectedHeader({ alg: 'RS256', kid: decodePart<{ kid: string }>(token, 0).kid })
    .sign(key);
}

/** The same claims and key id as `token`, signed by another RSA key: everything but the signature is right. */
export async function forgedCopy(token: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claimsOf(token))
    .setProtectedHeader({ alg: 'RS256', kid: decodePart<{ kid: string }>(token, 0).kid })
    .sign(privateKey);
}
