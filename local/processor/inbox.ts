import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InboundMessage } from '../../core/ingestion';

/** Log size after which the inbox starts over, at a moment when nothing is open. */
const COMPACT_AFTER_BYTES = 4 * 1024 * 1024;

/** A message the broker acknowledged, numbered so its completion can be recorded. */
export interface InboxItem {
  seq: number;
  message: InboundMessage;
}

/**
 * A write-ahead log in front of the batcher, the local analogue of SQS's
 * durability: a message is appended before the broker sends PUBACK, and
 * marked done once the pipeline stored or rejected it. On start, what is
 * not done is handed back, so a killed local mode loses nothing it
 * acknowledged. Without a folder (memory mode) it only numbers messages.
 */
export class DurableInbox {
  private seq = 0;
  /** Accepted and not yet finished. */
  private open = 0;
  private bytes = 0;
  private readonly log?: string;
  private readonly doneLog?: string;

  constructor(
    dir?: string,
    private readonly compactAfterBytes = COMPACT_AFTER_BYTES,
  ) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    this.log = join(dir, 'inbox.jsonl');
    this.doneLog = join(dir, 'inbox-done.jsonl');
  }

  /** The messages accepted before the last stop that were never finished; compacts the log to them. */
  recover(): InboxItem[] {
    if (!this.log || !this.doneLog) return [];
    const done = new Set<number>();
    for (const line of readLines(this.doneLog)) {
      try {
        for (const seq of JSON.parse(line) as number[]) done.add(seq);
      } catch {
        // A line torn by a crash: its batch will simply be processed again (writes are idempotent).
      }
    }
    const open: InboxItem[] = [];
    for (const line of readLines(this.log)) {
      try {
        const r = JSON.parse(line) as { seq: number; topic: string; payload: string; receivedAt: number };
        if (!done.has(r.seq))
          open.push({
            seq: r.seq,
            message: { topic: r.topic, payload: Buffer.from(r.payload, 'base64'), receivedAt: r.receivedAt },
          });
      } catch {
        // A torn last line was never acknowledged: the append throws before PUBACK.
      }
    }
    open.forEach((item, i) => (item.seq = i + 1));
    this.seq = open.length;
    this.open = open.length;
    writeFileSync(`${this.log}.tmp`, open.map((item) => serialise(item)).join(''));
    renameSync(`${this.log}.tmp`, this.log);
    writeFileSync(this.doneLog, '');
    return open;
  }

  /** Records a message before it is acknowledged; synchronous so PUBACK waits for it. */
  accept(message: InboundMessage): InboxItem {
    const item = { seq: ++this.seq, message };
    if (this.log) {
      const line = serialise(item);
      appendFileSync(this.log, line);
      this.bytes += line.length;
    }
    this.open++;
    return item;
  }

  /** Marks messages finished (stored, or kept as rejected). */
  finish(items: readonly InboxItem[]): void {
    if (!items.length) return;
    this.open -= items.length;
    if (!this.log || !this.doneLog) return;
    // Nothing open: both logs hold only finished work and can start over (a long simulator run
    // would otherwise grow them without bound). Safe because accept and finish are synchronous.
    if (this.open === 0 && this.bytes > this.compactAfterBytes) {
      writeFileSync(this.log, '');
      writeFileSync(this.doneLog, '');
      this.bytes = 0;
      return;
    }
    appendFileSync(this.doneLog, `${JSON.stringify(items.map((i) => i.seq))}\n`);
  }
}

function serialise(item: InboxItem): string {
  const { topic, payload, receivedAt } = item.message;
  return `${JSON.stringify({ seq: item.seq, topic, payload: Buffer.from(payload).toString('base64'), receivedAt })}\n`;
}

function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
}
