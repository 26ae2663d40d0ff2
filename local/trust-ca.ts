import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_DEFAULTS } from './config';

/** What trusting the CA did in one place (a certificate store or a browser's database). */
export interface TrustResult {
  store: string;
  done: boolean;
  note: string;
}

/** The CA file of a data dir: outputs.json names it; before the first start it does not exist yet. */
export function caFileOf(dataDir: string): string {
  const outputs = join(dataDir, 'outputs.json');
  if (existsSync(outputs)) {
    const named = (JSON.parse(readFileSync(outputs, 'utf8')) as { CaCertificateFile?: string })
      .CaCertificateFile;
    if (named) return named;
  }
  return join(dataDir, 'tls', 'ca.pem');
}

/** A nickname per CA, so trusting a second data dir's CA does not replace the first. */
export function nicknameOf(caFile: string): string {
  const cert = new X509Certificate(readFileSync(caFile));
  return `YVR local CA ${createHash('sha256').update(cert.raw).digest('hex').slice(0, 12)}`;
}

/**
 * Adds the CA to an NSS database (Chromium and other NSS browsers on Linux
 * read `~/.pki/nssdb`; each Firefox profile has its own), creating the
 * database when missing. Needs `certutil` (Debian: libnss3-tools).
 */
export function trustInNss(caFile: string, dbDir: string): TrustResult {
  const store = `NSS database ${dbDir}`;
  if (!hasCommand('certutil'))
    return {
      store,
      done: false,
      note: "certutil is missing: apt-get install libnss3-tools (or your distribution's nss-tools)",
    };
  mkdirSync(dbDir, { recursive: true });
  if (!existsSync(join(dbDir, 'cert9.db')))
    execFileSync('certutil', ['-N', '-d', `sql:${dbDir}`, '--empty-password'], { stdio: 'pipe' });
  // "C,," = a CA trusted to issue server certificates (not e-mail or code signing).
  execFileSync(
    'certutil',
    ['-A', '-d', `sql:${dbDir}`, '-t', 'C,,', '-n', nicknameOf(caFile), '-i', caFile],
    {
      stdio: 'pipe',
    },
  );
  return { store, done: true, note: 'trusted for server certificates' };
}

/** Every place this machine's user can be made to trust the CA without a password prompt, and the OS store. */
export function trustEverywhere(
  caFile: string,
  home = homedir(),
  /** false: leave the operating system's store alone (tests). */
  systemStore = true,
): TrustResult[] {
  const results: TrustResult[] = [];
  if (process.platform === 'linux') {
    results.push(trustInNss(caFile, join(home, '.pki', 'nssdb')));
    for (const base of [
      join(home, '.mozilla', 'firefox'),
      join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    ]) {
      if (!existsSync(base)) continue;
      for (const profile of readdirSync(base))
        if (existsSync(join(base, profile, 'cert9.db')))
          results.push(trustInNss(caFile, join(base, profile)));
    }
    if (systemStore) results.push(trustInLinuxSystemStore(caFile));
  } else if (process.platform === 'darwin') {
    results.push(
      run('macOS login keychain (Safari, Chrome, Edge)', 'security', [
        'add-trusted-cert',
        '-r',
        'trustRoot',
        '-k',
        join(home, 'Library', 'Keychains', 'login.keychain-db'),
        caFile,
      ]),
    );
  } else if (process.platform === 'win32') {
    results.push(
      run('Windows user root store (Edge, Chrome)', 'certutil', ['-user', '-addstore', 'Root', caFile]),
    );
  } else {
    results.push({ store: process.platform, done: false, note: 'unknown platform: add the CA by hand' });
  }
  return results;
}

function trustInLinuxSystemStore(caFile: string): TrustResult {
  const store = 'Linux system store (curl, wget, most programs)';
  const dir = '/usr/local/share/ca-certificates';
  const target = join(dir, `${nicknameOf(caFile).replace(/\s+/g, '-').toLowerCase()}.crt`);
  if (!hasCommand('update-ca-certificates'))
    return { store, done: false, note: 'no update-ca-certificates here: see docs/LOCAL.md' };
  if (process.getuid?.() !== 0)
    return {
      store,
      done: false,
      note: `needs root: sudo cp ${caFile} ${target} && sudo update-ca-certificates`,
    };
  mkdirSync(dir, { recursive: true });
  copyFileSync(caFile, target);
  execFileSync('update-ca-certificates', [], { stdio: 'pipe' });
  return { store, done: true, note: `installed as ${target}` };
}

function run(store: string, command: string, args: string[]): TrustResult {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
    return { store, done: true, note: 'trusted' };
  } catch (err) {
    return { store, done: false, note: `${command} failed: ${(err as Error).message.split('\n')[0]}` };
  }
}

function hasCommand(name: string): boolean {
  try {
    execFileSync(
      process.platform === 'win32' ? 'where' : 'sh',
      process.platform === 'win32' ? [name] : ['-c', `command -v ${name}`],
      {
        stdio: 'pipe',
      },
    );
    return true;
  } catch {
    return false;
  }
}

// `npm run trust-ca`: trusts the CA of LOCAL_DATA_DIR (default .local) wherever it can.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dataDir = resolve(process.env.LOCAL_DATA_DIR || LOCAL_DEFAULTS.dataDir);
  const caFile = caFileOf(dataDir);
  if (!existsSync(caFile)) {
    console.error(
      `No local CA at ${caFile} yet: start the local mode once (npm start), then run this again.`,
    );
    process.exit(1);
  }
  console.log(`Trusting ${caFile} (${nicknameOf(caFile)})`);
  for (const r of trustEverywhere(caFile))
    console.log(`  ${r.done ? 'done' : 'not done'}  ${r.store}: ${r.note}`);
  console.log(`\nNode.js reads no OS store: start Node clients with\n  NODE_EXTRA_CA_CERTS=${caFile}`);
  console.log('Restart the browser so it reads the new trust.');
}
