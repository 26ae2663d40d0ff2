import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InboundMessage, MessageOutcome } from '../../core/ingestion';

/** Log size after which the inbox is rewritten with only its open messages (also under a constant stream). */
const COMPACT_AFTER_BYTES = 4 * 1024 * 1024;

/** A message the broker acknowledged, numbered so its completion can be recorded. */
export interface InboxItem {
  seq: number;
  message: InboundMessage;
  /**
   * Set when the inbox line could not be read back (damaged on disk): the
   * message is then its raw bytes, to be kept as a rejected message with this
   * reason, never processed and never dropped.
   */
  unreadable?: string;
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
  /** The log line of every open message, so the log can be rewritten while messages are open. */
  private readonly openLines = new Map<number, string>();
  private openBytes = 0;
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
    const text = existsSync(this.log) ? readFileSync(this.log, 'utf8') : '';
    const lines = text.split('\n');
    // The part after the last newline is a line torn by a crash mid-append: never acknowledged
    // (the append throws before PUBACK), so the device sends it again.
    lines.pop();
    lines.forEach((line, index) => {
      if (!line.trim()) return;
      const item = readItem(line);
      if (!item) {
        // A whole line that does not read back was acknowledged and then damaged on disk: kept
        // as a rejected message with its bytes, so the loss is visible and nothing is dropped.
        open.push({
          seq: 0,
          message: { topic: '', payload: Buffer.from(line, 'utf8'), receivedAt: Date.now() },
          unreadable: `line ${index + 1} of the local inbox (${this.log}) could not be read back (damaged on disk); its bytes are the payload`,
        });
      } else if (!done.has(item.seq)) open.push(item);
    });
    open.forEach((item, i) => (item.seq = i + 1));
    this.seq = open.length;
    this.open = open.length;
    this.openLines.clear();
    this.openBytes = 0;
    for (const item of open) this.track(item.seq, serialise(item));
    writeFileSync(`${this.log}.tmp`, [...this.openLines.values()].join(''));
    renameSync(`${this.log}.tmp`, this.log);
    writeFileSync(this.doneLog, '');
    this.bytes = this.openBytes;
    return open;
  }

  private track(seq: number, line: string) {
    this.openLines.set(seq, line);
    this.openBytes += line.length;
  }

  /** Records a message before it is acknowledged; synchronous so PUBACK waits for it. */
  accept(message: InboundMessage): InboxItem {
    const item = { seq: ++this.seq, message };
    if (this.log) {
      const line = serialise(item);
      appendFileSync(this.log, line);
      this.bytes += line.length;
      this.track(item.seq, line);
    }
    this.open++;
    return item;
  }

  /** Marks messages finished (stored, or kept as rejected). */
  finish(items: readonly InboxItem[]): void {
    if (!items.length) return;
    this.open -= items.length;
    if (!this.log || !this.doneLog) return;
    for (const item of items) {
      const line = this.openLines.get(item.seq);
      if (line === undefined) continue;
      this.openLines.delete(item.seq);
      this.openBytes -= line.length;
    }
    // Mostly finished work in the log: it is rewritten with only the open messages, and the done
    // log starts over. Under a constant stream something is always open, so waiting for an idle
    // moment (as before) let the log grow until a restart. The rewrite is atomic (a rename), and
    // safe because accept and finish are synchronous.
    if (this.bytes > this.compactAfterBytes && this.bytes > 2 * this.openBytes) {
      writeFileSync(`${this.log}.tmp`, [...this.openLines.values()].join(''));
      renameSync(`${this.log}.tmp`, this.log);
      writeFileSync(this.doneLog, '');
      this.bytes = this.openBytes;
      return;
    }
    appendFileSync(this.doneLog, `${JSON.stringify(items.map((i) => i.seq))}\n`);
  }

  /** Current size of the log in bytes (tests, /health). */
  logBytes(): number {
    return this.bytes;
  }
}

function serialise(item: InboxItem): string {
  const { topic, payload, receivedAt } = item.message;
  return `${JSON.stringify({
    seq: item.seq,
    topic,
    payload: Buffer.from(payload).toString('base64'),
    receivedAt,
    ...(item.unreadable ? { unreadable: item.unreadable } : {}),
  })}\n`;
}

/** One log line read back, or undefined when it is not a whole, well-formed record. */
function readItem(line: string): InboxItem | undefined {
  try {
    const r = JSON.parse(line) as Partial<{
      seq: number;
      topic: string;
      payload: string;
      receivedAt: number;
      unreadable: string;
    }>;
    if (
      !Number.isInteger(r.seq) ||
      typeof r.topic !== 'string' ||
      typeof r.payload !== 'string' ||
      typeof r.receivedAt !== 'number'
    )
      return undefined;
    return {
      seq: r.seq!,
      message: { topic: r.topic, payload: Buffer.from(r.payload, 'base64'), receivedAt: r.receivedAt },
      ...(typeof r.unreadable === 'string' ? { unreadable: r.unreadable } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The outcomes of a batch: the readable messages go through `process`, an
 * unreadable inbox line becomes a rejected message with its bytes and reason.
 */
export async function outcomesOf(
  items: readonly InboxItem[],
  process: (messages: InboundMessage[]) => Promise<MessageOutcome[]>,
): Promise<MessageOutcome[]> {
  const readable = items.filter((i) => !i.unreadable);
  const processed = readable.length ? await process(readable.map((i) => i.message)) : [];
  let next = 0;
  return items.map((item) =>
    item.unreadable
      ? { status: 'rejected', message: item.message, deviceId: null, reason: item.unreadable, partial: false }
      : processed[next++]!,
  );
}

function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
}
