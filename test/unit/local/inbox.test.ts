import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableInbox, outcomesOf } from '../../../local/processor/inbox';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const message = (n: number) => ({
  topic: `devices/d/readings`,
  payload: Buffer.from(`{"seq":${n}}`),
  receivedAt: n,
});

describe('DurableInbox', () => {
  it('hands back, after a restart, exactly the accepted messages that were never finished', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbox-'));
    dirs.push(dir);
    const first = new DurableInbox(dir);
    expect(first.recover()).toEqual([]);
    const items = [1, 2, 3].map((n) => first.accept(message(n)));
    first.finish([items[1]!]);

    const second = new DurableInbox(dir);
    const recovered = second.recover();
    expect(recovered.map((i) => i.message.receivedAt)).toEqual([1, 3]);
    expect(Buffer.from(recovered[0]!.message.payload).toString()).toBe('{"seq":1}');
    second.finish(recovered);
    second.accept(message(4));

    expect(new DurableInbox(dir).recover().map((i) => i.message.receivedAt)).toEqual([4]);
  });

  it('starts its logs over once everything accepted is finished, never while a message is open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbox-'));
    dirs.push(dir);
    const inbox = new DurableInbox(dir, 1);
    inbox.recover();
    const [a, b] = [inbox.accept(message(1)), inbox.accept(message(2))];
    inbox.finish([a]);
    expect(readFileSync(join(dir, 'inbox.jsonl'), 'utf8')).not.toBe('');
    inbox.finish([b]);
    expect(readFileSync(join(dir, 'inbox.jsonl'), 'utf8')).toBe('');
    inbox.accept(message(3));
    expect(new DurableInbox(dir).recover().map((i) => i.message.receivedAt)).toEqual([3]);
  });

  it('keeps nothing without a folder (memory mode)', () => {
    const inbox = new DurableInbox();
    inbox.finish([inbox.accept(message(1))]);
    expect(inbox.recover()).toEqual([]);
  });

  it('rewrites its log with only the open messages while some stay open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbox-'));
    dirs.push(dir);
    const inbox = new DurableInbox(dir, 2_000);
    inbox.recover();
    const keptOpen = inbox.accept(message(0));
    for (let n = 1; n <= 500; n++) inbox.finish([inbox.accept(message(n))]);
    expect(statSync(join(dir, 'inbox.jsonl')).size).toBeLessThan(4_000);
    expect(new DurableInbox(dir).recover().map((i) => i.message.receivedAt)).toEqual([0]);
    void keptOpen;
  });

  it('hands back a damaged line as an unreadable item with its bytes, and drops only a torn last line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbox-'));
    dirs.push(dir);
    const good = JSON.stringify({
      seq: 1,
      topic: 't/1',
      payload: Buffer.from('a').toString('base64'),
      receivedAt: 1,
    });
    writeFileSync(join(dir, 'inbox.jsonl'), `${good}\n{"seq":2,"topic":"t/2","pay\n{"seq":3,"torn`);
    const items = new DurableInbox(dir).recover();
    expect(items).toHaveLength(2);
    expect(items[0]!.unreadable).toBeUndefined();
    expect(items[1]!.unreadable).toMatch(/line 2 .* could not be read back/);
    expect(Buffer.from(items[1]!.message.payload).toString()).toBe('{"seq":2,"topic":"t/2","pay');
    // Kept across another restart until finished.
    expect(new DurableInbox(dir).recover()[1]!.unreadable).toMatch(/could not be read back/);
    const outcomes = await outcomesOf(items, async (messages) =>
      messages.map((m) => ({ status: 'accepted' as const, message: m, deviceId: 'd' })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'rejected']);
  });
});
