import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { EXPORT_KEY, isInside, verifyExport } from '../export/file-export-sink';

export interface ExportDownloadOptions {
  /** The folder FileExportSink writes to. */
  dir: string;
  secret: Buffer;
  clock?: () => number;
}

/**
 * `GET /exports/<key>?expires=&signature=`: serves an export file while its
 * signed link is valid, like an S3 presigned GET (403 for a wrong signature or
 * an expired link, 404 for a file that is gone). Returns true when it handled the request.
 */
export function exportDownloadRoute(options: ExportDownloadOptions) {
  /** `url` is the request target as the server parsed it (it refuses one that is not a path). */
  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (!url.pathname.startsWith('/exports/')) return false;
    const refuse = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message }));
      return true;
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'MethodNotAllowed', 'Use GET.');
    const key = decodeURIComponent(url.pathname.slice(1));
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    if (
      !EXPORT_KEY.test(key) ||
      !Number.isInteger(expires) ||
      !verifyExport(options.secret, key, expires, signature)
    )
      return refuse(403, 'SignatureDoesNotMatch', 'The link is not one this server signed.');
    if ((options.clock ?? Date.now)() > expires * 1000)
      return refuse(403, 'AccessDenied', 'The link has expired; export the readings again.');
    const path = join(options.dir, key);
    if (!isInside(options.dir, path))
      return refuse(403, 'AccessDenied', 'The link is not one this server signed.');
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return refuse(404, 'NoSuchKey', 'The export is gone (exports are kept for a day); export again.');
    }
    const name = key.slice(key.lastIndexOf('/') + 1);
    res.writeHead(200, {
      'content-type': key.endsWith('.csv')
        ? 'text/csv; charset=utf-8'
        : 'application/x-ndjson; charset=utf-8',
      'content-length': size,
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'private, no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    createReadStream(path).pipe(res);
    return true;
  };
}
