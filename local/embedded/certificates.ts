import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/** The local certificate authority and the server certificate it signed. */
export interface LocalTls {
  /** Absolute path of the CA's certificate (PEM): what clients trust. */
  caCertificateFile: string;
  caCertificate: string;
  /** The GraphQL port's certificate (PEM) and private key, for `tls.createServer`. */
  cert: string;
  key: string;
  /** Names and addresses the server certificate is valid for. */
  names: string[];
}

/** The CA's files are unreadable or do not belong together; the message says what to do. */
export class LocalCaError extends Error {
  override readonly name = 'LocalCaError';
}

const CA_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const CA_NAME = 'YVR water-quality local development CA';
// Browsers refuse server certificates valid for longer than 398 days; the leaf is remade at every start anyway.
const LEAF_DAYS = 397;
const CA_YEARS = 10;

/**
 * Makes the local CA on the first start (kept in `dir`, the key readable only
 * by its owner) and signs a fresh server certificate with it for `localhost`,
 * the loopback addresses and, when the server listens on every interface,
 * this machine's name and addresses.
 */
export function ensureLocalTls(dir: string, listenHost: string): LocalTls {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, CA_FILE);
  const caKeyFile = join(dir, CA_KEY_FILE);
  let ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; pem: string };
  if (existsSync(caFile) && existsSync(caKeyFile)) {
    ca = readCa(caFile, caKeyFile);
  } else {
    ca = makeCa();
    writeFileSync(caKeyFile, forge.pki.privateKeyToPem(ca.key), { mode: 0o600 });
    writeFileSync(caFile, ca.pem);
  }
  const names = serverNames(listenHost);
  const leaf = makeLeaf(ca, names);
  return { caCertificateFile: caFile, caCertificate: ca.pem, cert: leaf.cert, key: leaf.key, names };
}

function readCa(caFile: string, caKeyFile: string) {
  try {
    const pem = readFileSync(caFile, 'utf8');
    const cert = forge.pki.certificateFromPem(pem);
    const key = forge.pki.privateKeyFromPem(readFileSync(caKeyFile, 'utf8'));
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    if (publicKey.n.compareTo(key.n) !== 0) throw new Error('the key does not belong to the certificate');
    if (cert.validity.notAfter.getTime() < Date.now())
      throw new Error(`the CA expired on ${cert.validity.notAfter.toISOString()}`);
    return { cert, key, pem };
  } catch (err) {
    throw new LocalCaError(
      `The local certificate authority in ${caFile} cannot be used (${(err as Error).message}). ` +
        `Delete ${caFile} and ${caKeyFile} to make a new one at the next start, then trust the new one again (npm run trust-ca).`,
      { cause: err },
    );
  }
}

function makeCa() {
  const { key, publicKey } = rsaPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + CA_YEARS * 365 * 86_400_000);
  // The CN names the machine too, so that a person who trusts several data dirs can tell them apart.
  const subject = [
    { name: 'commonName', value: `${CA_NAME} (${hostname()})` },
    { name: 'organizationName', value: 'YVR water-quality local mode' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { cert, key, pem: forge.pki.certificateToPem(cert) };
}

function makeLeaf(
  ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  names: string[],
): { cert: string; key: string } {
  const { key, publicKey } = rsaPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + LEAF_DAYS * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      // type 2 = DNS name, 7 = IP address (RFC 5280 GeneralName).
      altNames: names.map((n) => (isIp(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(key) };
}

/** Node's native key generation: forge's pure-JS RSA generation takes seconds. */
function rsaPair() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(
    pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  return { key, publicKey };
}

/** A positive 128-bit serial: the top bit cleared so DER does not read it as negative. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function serverNames(listenHost: string): string[] {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  if (listenHost === '0.0.0.0' || listenHost === '::') {
    // Opened to the network (LOCAL_HOST=0.0.0.0): colleagues reach it by this machine's name or address.
    names.add(hostname());
    for (const addresses of Object.values(networkInterfaces()))
      for (const a of addresses ?? []) if (!a.internal) names.add(a.address.replace(/%.*$/, ''));
  } else names.add(listenHost);
  return [...names];
}

function isIp(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
