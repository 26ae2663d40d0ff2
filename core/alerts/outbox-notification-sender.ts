import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AlertNotification, NotificationSender } from './notifier';
import { recipientsOf, type NotificationProfile, type Recipient } from './recipients';

/** One file of the outbox: the notification and who would have received it. */
export interface OutboxEntry extends AlertNotification {
  id: string;
  writtenAt: string;
  recipients: Recipient[];
}

export interface OutboxOptions {
  /** The outbox folder (`<data dir>/outbox`). */
  dir: string;
  /** The profiles, read when a notification is written (the same opt-in rule SNS filter policies encode). */
  profiles: () => Promise<NotificationProfile[]>;
  log?: (line: string) => void;
  clock?: () => number;
}

/**
 * The local stand-in for the SNS topic: each notification is one JSON file
 * naming its recipients (only users who opted in), logged, and listed by
 * `GET /outbox`, so the dashboard team sees what would be sent.
 */
export class OutboxNotificationSender implements NotificationSender {
  private sequence = 0;

  constructor(private readonly options: OutboxOptions) {}

  async send(n: AlertNotification): Promise<void> {
    const now = (this.options.clock ?? Date.now)();
    const recipients = recipientsOf(await this.options.profiles(), n.deviceId);
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    const id = `${stamp}-${String(this.sequence++ % 1e6).padStart(6, '0')}`;
    const entry: OutboxEntry = { id, writtenAt: new Date(now).toISOString(), ...n, recipients };
    await mkdir(this.options.dir, { recursive: true });
    await writeFile(join(this.options.dir, `${id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
    this.options.log?.(
      `[outbox] ${n.subject} -> ${recipients.length ? recipients.map((r) => [r.email, r.sms].filter(Boolean).join(' ')).join(', ') : 'nobody opted in'}`,
    );
  }

  /** The outbox newest first, at most `limit` entries. */
  async list(limit = 100): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.options.dir)).filter((f) => f.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    names.sort().reverse();
    const out: OutboxEntry[] = [];
    for (const name of names.slice(0, limit)) {
      try {
        out.push(JSON.parse(await readFile(join(this.options.dir, name), 'utf8')) as OutboxEntry);
      } catch {
        // A file being written right now, or one a person edited: skipped, not fatal to the listing.
      }
    }
    return out;
  }
}
