import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, generateKeyPair } from 'jose';

function decodePart<T>(token: string, index: 0 | 1): T {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString()) as T;
}

/** The claims of a token (unverified), e.g. its `sub` and `email`. */
export function claimsOf(token: string): Record<string, unknown> {
  return decodePart(token, 1);
}

/**
 * The same claims as `token`, signed with the local pool's own key (the PEM
 * file in its data dir, `local.cognito.signingKeyFile`), but expired an hour
 * ago: only the expiry is wrong. (Tokens cannot be aged with fake timers: the
 * server runs its own clock.)
 */
export async function expiredCopy(token: string, signingKeyFile: string): Promise<string> {
  const key = createPrivateKey(readFileSync(signingKeyFile, 'utf8'));
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
