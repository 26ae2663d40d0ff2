import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalTls } from '../../local/embedded/certificates';
import { caFileOf, nicknameOf, trustEverywhere, trustInNss } from '../../local/trust-ca';
import { tempDir } from '../../testkit/local-mode';

// `npm run trust-ca` on Linux: the NSS databases browsers read (needs certutil, as the browser tier does).

const home = tempDir('yvr-trust-home-');
const data = tempDir('yvr-trust-data-');
afterAll(() => {
  home.remove();
  data.remove();
});

const listed = (db: string) => execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' });

describe('trusting the local CA', () => {
  it("adds the CA to Chromium's NSS database and to every Firefox profile, as a CA for servers", () => {
    const tls = ensureLocalTls(join(data.dir, 'tls'), '127.0.0.1');
    const firefox = join(home.dir, '.mozilla', 'firefox', 'abcd.default-release');
    mkdirSync(firefox, { recursive: true });
    trustInNss(tls.caCertificateFile, firefox); // a profile Firefox already made
    const results = trustEverywhere(caFileOf(data.dir), home.dir, false);
    expect(results.filter((r) => r.done).map((r) => r.store)).toEqual([
      `NSS database ${join(home.dir, '.pki', 'nssdb')}`,
      `NSS database ${firefox}`,
    ]);
    const nickname = nicknameOf(tls.caCertificateFile);
    for (const db of [join(home.dir, '.pki', 'nssdb'), firefox]) {
      const line = listed(db)
        .split('\n')
        .find((l) => l.startsWith(nickname));
      expect(line, listed(db)).toMatch(/C,,\s*$/);
    }
  });

  it('is idempotent and keeps the CAs of other data dirs apart', () => {
    const other = tempDir('yvr-trust-other-');
    try {
      const second = ensureLocalTls(join(other.dir, 'tls'), '127.0.0.1');
      trustEverywhere(caFileOf(data.dir), home.dir, false);
      trustEverywhere(second.caCertificateFile, home.dir, false);
      const names = listed(join(home.dir, '.pki', 'nssdb'))
        .split('\n')
        .filter((l) => l.startsWith('YVR local CA'));
      expect(names).toHaveLength(2);
    } finally {
      other.remove();
    }
  });
});
