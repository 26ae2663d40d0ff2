import type { IncomingMessage } from 'node:http';

/** A request body crossed its route's limit; each route answers it in its own service's words. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes`);
  }
}

/**
 * Reads a request body of at most `limit` bytes. A larger one rejects with a
 * BodyTooLargeError as soon as it crosses the limit, without buffering the
 * rest: the request is drained (so an answer can still go out) or, with
 * `destroy`, torn down.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  options: { destroy?: boolean } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(limit));
        if (options.destroy) req.destroy();
        else req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
