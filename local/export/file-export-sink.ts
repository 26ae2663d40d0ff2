import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportSink } from '../../core/telemetry/export/sink';

export interface FileExportSinkOptions {
  /** Folder the files go to (`<data dir>/exports`). */
  dir: string;
  /** The secret links are signed with (see {@link exportSecretOf}). */
  secret: Buffer;
  /** Base of the download links, e.g. `http://localhost:4000` (read when a link is made: the port may be chosen late). */
  baseUrl: () => string;
  /** How long a link works, as the presigned URL in AWS (default 3600 s). */
  linkTtlSeconds?: number;
  /** Files older than this are deleted at the next export, as the bucket's lifecycle rule does (default 1 day). */
  keepMs?: number;
  clock?: () => number;
}

/** Keys the service makes: `exports/<device>/<stamp>-<hex>.<ext>`; nothing else is ever served. */
export const EXPORT_KEY = /^exports\/[A-Za-z0-9_.:-]{1,128}\/[0-9TZ-]{10,40}-[0-9a-f]{16}\.(csv|ndjson)$/;

/**
 * The local export sink: the file is streamed to `<dir>/<key>` (through a
 * temporary name, so a half-written file is never served) and offered through
 * the local server's `GET /exports/...` behind an HMAC-signed link that
 * expires, as S3 serves a presigned URL.
 */
export class FileExportSink implements ExportSink {
  constructor(private readonly options: FileExportSinkOptions) {}

  async put(key: string, body: AsyncIterable<string>): Promise<void> {
    if (!EXPORT_KEY.test(key)) throw new Error(`not an export key: ${key}`);
    await this.sweep();
    const path = join(this.options.dir, key);
    mkdirSync(dirname(path), { recursive: true });
    const partial = `${path}.partial`;
    try {
      await pipeline(Readable.from(body), createWriteStream(partial));
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  async link(key: string): Promise<{ url: string; expiresAt: string }> {
    const now = (this.options.clock ?? Date.now)();
    const expires = Math.floor(now / 1000) + (this.options.linkTtlSeconds ?? 3600);
    const signature = signExport(this.options.secret, key, expires);
    const url = `${this.options.baseUrl().replace(/\/$/, '')}/${key}?expires=${expires}&signature=${signature}`;
    return { url, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** Deletes export files older than `keepMs` (what S3's lifecycle expiration does in AWS). */
  private async sweep(): Promise<void> {
    const root = join(this.options.dir, 'exports');
    if (!existsSync(root)) return;
    const cutoff = (this.options.clock ?? Date.now)() - (this.options.keepMs ?? 86_400_000);
    for (const device of await readdir(root)) {
      for (const file of await readdir(join(root, device)).catch(() => [])) {
        const path = join(root, device, file);
        const info = await stat(path).catch(() => undefined);
        if (info?.isFile() && info.mtimeMs < cutoff) await rm(path, { force: true });
      }
    }
  }
}

/** The signature of a link: HMAC-SHA256 over the key and the expiry, hex. */
export function signExport(secret: Buffer, key: string, expires: number): string {
  return createHmac('sha256', secret).update(`${key}\n${expires}`).digest('hex');
}

/** True when `signature` is the one for `key` and `expires` (compared in constant time). */
export function verifyExport(secret: Buffer, key: string, expires: number, signature: string): boolean {
  const expected = Buffer.from(signExport(secret, key, expires), 'hex');
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The data dir's link secret: 32 random bytes kept in `<dir>/export-secret`
 * (mode 0600), made on first use, so links survive a restart but not a new data dir.
 * Without a data dir (a throwaway run) a secret for this process only.
 */
export function exportSecretOf(dataDir: string | undefined): Buffer {
  if (!dataDir) return randomBytes(32);
  const path = join(dataDir, 'export-secret');
  if (existsSync(path)) {
    const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
    if (secret.length === 32) return secret;
  }
  const secret = randomBytes(32);
  writeFileSync(path, `${secret.toString('hex')}\n`, { mode: 0o600 });
  return secret;
}

/** True when `path` lies inside `dir` (no `..` escape). */
export const isInside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
};
