import { afterEach, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalTls, LocalCaError } from '../../../local/embedded/certificates';
import { loadSigningKey, TokenKeyError } from '../../../local/embedded/cognito-tokens';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'yvr-cert-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the local CA', () => {
  it('signs a server certificate for localhost and the loopback addresses, and only for serving', () => {
    const tls = ensureLocalTls(temp(), '127.0.0.1');
    const ca = new X509Certificate(tls.caCertificate);
    const leaf = new X509Certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBeDefined();
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    // Browsers refuse server certificates valid for more than 398 days.
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(398);
  });

  it('is made once and kept, its key readable by the owner only; the server certificate is new each start', () => {
    const dir = temp();
    const first = ensureLocalTls(dir, '127.0.0.1');
    const second = ensureLocalTls(dir, '127.0.0.1');
    expect(second.caCertificate).toBe(first.caCertificate);
    expect(second.cert).not.toBe(first.cert);
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o077).toBe(0);
    expect(readFileSync(first.caCertificateFile, 'utf8')).toBe(first.caCertificate);
  });

  it('covers the machine name and addresses when opened to the network', () => {
    const tls = ensureLocalTls(temp(), '0.0.0.0');
    expect(tls.names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
    expect(tls.names.length).toBeGreaterThan(3);
  });

  it('refuses a damaged CA, naming the files and what to do', () => {
    const dir = temp();
    ensureLocalTls(dir, '127.0.0.1');
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    expect(() => ensureLocalTls(dir, '127.0.0.1')).toThrow(LocalCaError);
    expect(() => ensureLocalTls(dir, '127.0.0.1')).toThrow(/Delete .*ca\.pem and .*ca-key\.pem.*trust-ca/);
  });

  it('refuses a CA whose key belongs to another CA', () => {
    const a = temp();
    const b = temp();
    ensureLocalTls(a, '127.0.0.1');
    ensureLocalTls(b, '127.0.0.1');
    writeFileSync(join(a, 'ca-key.pem'), readFileSync(join(b, 'ca-key.pem')));
    expect(() => ensureLocalTls(a, '127.0.0.1')).toThrow(/does not belong/);
  });
});

describe('the token signing key', () => {
  it('is made once per data dir, kept owner-only, and its JWKS names it by thumbprint', async () => {
    const file = join(temp(), 'cognito', 'token-signing-key.pem');
    const first = await loadSigningKey(file);
    const again = await loadSigningKey(file);
    expect(again.kid).toBe(first.kid);
    expect(first.jwks.keys).toEqual([expect.objectContaining({ kid: first.kid, alg: 'RS256', kty: 'RSA' })]);
    expect(first.jwks.keys[0]).not.toHaveProperty('d');
    expect(statSync(file).mode & 0o077).toBe(0);
    const other = await loadSigningKey(join(temp(), 'k.pem'));
    expect(other.kid).not.toBe(first.kid);
  });

  it('refuses an unreadable key file with what to do', async () => {
    const file = join(temp(), 'k.pem');
    writeFileSync(file, 'garbage');
    await expect(loadSigningKey(file)).rejects.toThrow(TokenKeyError);
    await expect(loadSigningKey(file)).rejects.toThrow(/Delete it to make a new one/);
  });
});
