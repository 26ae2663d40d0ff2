import type { ServerResponse } from 'node:http';

/** The outbox as the route reads it (OutboxNotificationSender.list). */
export type OutboxSource = (limit: number) => Promise<unknown[]>;

const MAX_LIMIT = 1000;

/**
 * `GET /outbox[?limit=N]`: the notifications that would have been sent,
 * newest first, as JSON (CONTRACT.md section 3). Local only, like /health:
 * in AWS the same notifications go to the SNS topic.
 */
export async function serveOutbox(res: ServerResponse, url: URL, source: OutboxSource): Promise<void> {
  const raw = url.searchParams.get('limit');
  const limit = raw === null ? 100 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        errors: [
          { errorType: 'ValidationError', message: `limit must be a whole number from 1 to ${MAX_LIMIT}` },
        ],
      }),
    );
    return;
  }
  const items = await source(limit);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }));
}
