import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { LocalMode } from '../../local/start-local';
import { ADMIN, FREE_PORTS, gql, signIn, startTestLocal, tempDir } from '../../testkit/local-mode';

// Issue 11 item 1: TLS and plain HTTP on the one GraphQL port, with a certificate from a local CA
// made at the first start and kept in the data dir.

const data = tempDir('yvr-tls-');
let local: LocalMode;

beforeAll(async () => {
  local = await startTestLocal({ dataDir: data.dir });
});

afterAll(async () => {
  await local?.stop();
  data.remove();
});

function httpsPost(url: string, body: string, headers: Record<string, string>, ca?: string) {
  return httpsRequest('POST', url, body, headers, ca);
}

function httpsRequest(
  method: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  ca?: string,
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method, headers, ...(ca ? { ca } : {}) }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the GraphQL port speaks TLS too', () => {
  it('names the CA in outputs.json by its absolute path, inside the data dir', () => {
    const outputs = JSON.parse(readFileSync(join(data.dir, 'outputs.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(isAbsolute(outputs.CaCertificateFile!)).toBe(true);
    expect(outputs.CaCertificateFile).toBe(join(data.dir, 'tls', 'ca.pem'));
    expect(new X509Certificate(readFileSync(outputs.CaCertificateFile!)).ca).toBe(true);
  });

  it('answers GraphQL over https:// and http:// on the same port', async () => {
    const { accessToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    const query = JSON.stringify({ query: '{ devices(limit: 1) { items { id } } }' });
    const secure = await httpsPost(
      local.outputs.GraphQLHttpsUrl,
      query,
      { 'content-type': 'application/json', authorization: accessToken },
      readFileSync(local.outputs.CaCertificateFile, 'utf8'),
    );
    expect(secure.status).toBe(200);
    expect(JSON.parse(secure.body)).toEqual({ data: { devices: { items: [] } } });
    expect(new URL(local.outputs.GraphQLHttpsUrl).port).toBe(new URL(local.outputs.GraphQLUrl).port);
    const plain = await gql(local.outputs, accessToken, '{ devices(limit: 1) { items { id } } }');
    expect(plain.status).toBe(200);
  });

  it('serves a certificate for localhost and 127.0.0.1 that only the local CA vouches for', async () => {
    const port = Number(new URL(local.outputs.GraphQLHttpsUrl).port);
    const ca = readFileSync(local.outputs.CaCertificateFile, 'utf8');
    for (const servername of ['localhost', '127.0.0.1']) {
      const peer = await new Promise<X509Certificate>((resolve, reject) => {
        const socket = connect(
          { host: '127.0.0.1', port, ca, ...(servername === 'localhost' ? { servername } : {}) },
          () => {
            const cert = socket.getPeerX509Certificate()!;
            socket.end();
            resolve(cert);
          },
        );
        socket.on('error', reject);
      });
      expect(peer.checkHost('localhost')).toBe('localhost');
      expect(peer.checkIP('127.0.0.1')).toBe('127.0.0.1');
    }
    // Without the CA the same connection is refused: the certificate is not trusted by default.
    await expect(
      httpsRequest('GET', local.outputs.GraphQLHttpsUrl.replace('/graphql', '/health'), '', {}),
    ).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/) });
  });

  it('keeps the CA across a restart, so a browser trusts it once', async () => {
    const before = readFileSync(local.outputs.CaCertificateFile, 'utf8');
    await local.stop();
    local = await startTestLocal({ dataDir: data.dir, ports: FREE_PORTS });
    expect(readFileSync(local.outputs.CaCertificateFile, 'utf8')).toBe(before);
    const health = await httpsRequest(
      'GET',
      local.outputs.GraphQLHttpsUrl.replace('/graphql', '/health'),
      '',
      {},
      before,
    );
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
  });
});
