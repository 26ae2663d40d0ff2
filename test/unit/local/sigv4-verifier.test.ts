import { describe, expect, it } from 'vitest';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createSigV4Checker, createSigV4Verifier } from '../../../local/embedded/sigv4-verifier';
import { generateLocalCredentials } from '../../../local/embedded/local-credentials';

const credentials = generateLocalCredentials();
const NOW = Date.UTC(2026, 11, 1, 10, 0, 0);

/** Signs a request as the SDK does and returns what a server would receive. */
async function signed(
  over: {
    secret?: string;
    keyId?: string;
    at?: number;
    body?: string;
    path?: string;
    query?: Record<string, string>;
  } = {},
) {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: over.keyId ?? credentials.accessKeyId,
      secretAccessKey: over.secret ?? credentials.secretAccessKey,
    },
    region: 'local',
    service: 'iotdata',
    sha256: Sha256,
  });
  const body = over.body ?? '{"version":1}';
  const request = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8083,
      path: over.path ?? '/topics/devices%2Fbuoy-1%2Fconfig',
      query: over.query ?? { qos: '1', retain: 'true' },
      headers: { host: '127.0.0.1:8083', 'content-type': 'application/octet-stream' },
      body,
    }),
    { signingDate: new Date(over.at ?? NOW) },
  );
  const query = new URLSearchParams(request.query as Record<string, string>).toString();
  return {
    target: `${request.path}${query ? `?${query}` : ''}`,
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body,
  };
}

const verify = createSigV4Verifier({ credentials, service: 'iotdata', now: () => NOW });
const check = createSigV4Checker({ credentials, service: 'iotdata', now: () => NOW });

describe('SigV4 verifier', () => {
  it('accepts a request the SDK signed with the local credentials', async () => {
    const r = await signed();
    await expect(verify('POST', r.target, r.headers, r.body)).resolves.toBeUndefined();
  });

  it('refuses a request with no signature as MissingAuthenticationToken', async () => {
    await expect(check('POST', '/topics/x', { host: 'h' }, '')).resolves.toMatchObject({
      code: 'MissingAuthenticationToken',
    });
  });

  it('refuses a signature made with another secret', async () => {
    const r = await signed({ secret: 'not-the-secret' });
    await expect(verify('POST', r.target, r.headers, r.body)).resolves.toMatch(
      /does not match the signature/,
    );
  });

  it('refuses an unknown access key as UnrecognizedClient', async () => {
    const r = await signed({ keyId: 'AKIDEXAMPLE' });
    await expect(check('POST', r.target, r.headers, r.body)).resolves.toMatchObject({
      code: 'UnrecognizedClient',
    });
  });

  it('refuses a body changed after signing', async () => {
    const r = await signed();
    await expect(verify('POST', r.target, r.headers, '{"version":2}')).resolves.toMatch(/does not match/);
  });

  it('refuses a path or query changed after signing', async () => {
    const r = await signed();
    await expect(verify('POST', r.target.replace('buoy-1', 'buoy-2'), r.headers, r.body)).resolves.toMatch(
      /does not match/,
    );
    await expect(
      verify('POST', r.target.replace('retain=true', 'retain=false'), r.headers, r.body),
    ).resolves.toMatch(/does not match/);
  });

  it('accepts a clock 14 minutes off and refuses one 16 minutes off, either way', async () => {
    for (const minutes of [-14, 14]) {
      const r = await signed({ at: NOW + minutes * 60_000 });
      await expect(verify('POST', r.target, r.headers, r.body)).resolves.toBeUndefined();
    }
    const old = await signed({ at: NOW - 16 * 60_000 });
    await expect(verify('POST', old.target, old.headers, old.body)).resolves.toMatch(/^Signature expired/);
    const future = await signed({ at: NOW + 16 * 60_000 });
    await expect(verify('POST', future.target, future.headers, future.body)).resolves.toMatch(
      /^Signature not yet current/,
    );
  });

  it('refuses a signature scoped to another service', async () => {
    const r = await signed();
    const dynamo = createSigV4Verifier({ credentials, service: 'dynamodb', now: () => NOW });
    await expect(dynamo('POST', r.target, r.headers, r.body)).resolves.toMatch(/scoped to correct service/);
  });

  it('refuses a malformed Authorization header without throwing', async () => {
    for (const authorization of [
      'Bearer x',
      'AWS4-HMAC-SHA256',
      'AWS4-HMAC-SHA256 Credential=a/b/c, Signature=zz',
      '',
    ]) {
      await expect(
        verify('POST', '/', { host: 'h', authorization, 'x-amz-date': '20261201T100000Z' }, ''),
      ).resolves.toEqual(expect.any(String));
    }
  });
});
