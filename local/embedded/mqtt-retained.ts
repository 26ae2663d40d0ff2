import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishPacket } from 'aedes';
import memoryPersistence from 'aedes-persistence';
import { toBuffer } from './mqtt-payload';

type Persistence = ReturnType<typeof memoryPersistence>;

export interface RetainedStore {
  /** The persistence to give aedes: its memory persistence, with `storeRetained` patched (below). */
  persistence: Persistence;
  /** Current retained messages (topic -> payload), for the Data Plane's GetRetainedMessage and tests. */
  view: Map<string, Buffer>;
  /** Loads the log into aedes (call once the broker listens) and compacts it. */
  restore(): Promise<void>;
}

interface RetainedRecord {
  topic: string;
  /** base64 */
  payload: string;
  qos: number;
}

/**
 * Retained messages that survive a restart. Why a patch: aedes keeps retained
 * messages in its persistence, and the only persistence in our dependencies
 * (aedes-persistence) is memory; the file-backed ones need Redis or MongoDB.
 * So aedes' own `storeRetained` is wrapped: every retained write is appended
 * to `<dir>/retained.jsonl` before the publish chain continues (the Data
 * Plane's HTTP 200 comes after it), so nothing acknowledged is lost. A
 * device's own retained QoS 1 publish gets its PUBACK before this runs
 * (aedes acknowledges first); devices publish no retained messages in this
 * design. Without `dir`, only the view is kept (memory only).
 */
export function retainedStore(dir: string | undefined, warn: (line: string) => void): RetainedStore {
  const persistence = memoryPersistence();
  const view = new Map<string, Buffer>();
  const log = dir ? openRetainedLog(dir, warn) : undefined;
  const storeRetained = persistence.storeRetained.bind(persistence) as (p: PublishPacket) => Promise<void>;
  const remember = (packet: PublishPacket) => {
    const payload = toBuffer(packet.payload);
    if (payload.length === 0) view.delete(packet.topic);
    else view.set(packet.topic, payload);
  };
  (persistence as unknown as { storeRetained: (p: PublishPacket) => Promise<void> }).storeRetained = async (
    packet: PublishPacket,
  ) => {
    log?.append(packet);
    remember(packet);
    return storeRetained(packet);
  };
  return {
    persistence,
    view,
    async restore() {
      if (!log) return;
      for (const record of log.load()) {
        const packet = {
          cmd: 'publish',
          topic: record.topic,
          payload: Buffer.from(record.payload, 'base64'),
          qos: record.qos,
          retain: true,
          dup: false,
        } as PublishPacket;
        remember(packet);
        await storeRetained(packet);
      }
      log.compact(view);
    },
  };
}

function openRetainedLog(dir: string, warn: (line: string) => void) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'retained.jsonl');
  return {
    load(): RetainedRecord[] {
      if (!existsSync(file)) return [];
      const latest = new Map<string, RetainedRecord>();
      const lines = readFileSync(file, 'utf8').split('\n');
      // After the last newline: a line torn by a crash mid-append, never acknowledged.
      lines.pop();
      let damaged = 0;
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const record = JSON.parse(line) as RetainedRecord;
          if (typeof record?.topic !== 'string' || typeof record.payload !== 'string') throw new TypeError();
          if (record.payload === '') latest.delete(record.topic);
          else latest.set(record.topic, record);
        } catch {
          damaged++;
        }
      }
      if (damaged)
        warn(
          `[mqtt] ${file}: ${damaged} damaged line(s) skipped; device config is rebuilt from the device table, other retained messages on those lines are lost`,
        );
      return [...latest.values()];
    },
    append(packet: PublishPacket) {
      const record: RetainedRecord = {
        topic: packet.topic,
        payload: toBuffer(packet.payload).toString('base64'),
        qos: packet.qos,
      };
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    },
    /** Rewrites the log with one line per live topic, atomically. */
    compact(current: Map<string, Buffer>) {
      const lines = [...current].map(([topic, payload]) =>
        JSON.stringify({ topic, payload: payload.toString('base64'), qos: 1 }),
      );
      writeFileSync(`${file}.tmp`, lines.length ? `${lines.join('\n')}\n` : '');
      renameSync(`${file}.tmp`, file);
    },
  };
}
