import type { Duplex } from 'node:stream';

/**
 * Follows the MQTT fixed headers in a byte stream and reports the first
 * packet whose announced size is over the limit, from its header alone, so a
 * 100 MB publish is refused after a few bytes instead of being buffered whole.
 */
export class MqttPacketSizeGuard {
  private phase: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private left = 0;

  constructor(readonly maxPacketBytes: number) {}

  /** Feeds the next bytes; returns why the stream must be closed, or undefined. */
  feed(chunk: Uint8Array): string | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.phase === 'type') {
        i++;
        this.phase = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else if (this.phase === 'length') {
        const byte = chunk[i++]!;
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (byte & 0x80) {
          if (this.lengthBytes >= 4) return 'malformed remaining length';
          continue;
        }
        if (this.length > this.maxPacketBytes)
          return `packet of ${this.length} bytes is larger than IoT Core's ${this.maxPacketBytes}`;
        this.left = this.length;
        this.phase = this.left ? 'body' : 'type';
      } else {
        const take = Math.min(this.left, chunk.length - i);
        i += take;
        this.left -= take;
        if (!this.left) this.phase = 'type';
      }
    }
    return undefined;
  }
}

/**
 * Closes `conn` as soon as it carries an MQTT packet over `maxPacketBytes`
 * (IoT Core closes the connection too). Watches the chunks aedes reads: a
 * `data` listener next to aedes' `readable` one sees each chunk as it is read
 * and does not change how aedes reads.
 */
export function limitPacketSize(conn: Duplex, maxPacketBytes: number, onRefused?: (why: string) => void) {
  const guard = new MqttPacketSizeGuard(maxPacketBytes);
  conn.on('data', (chunk: Buffer) => {
    const why = guard.feed(chunk);
    if (why) {
      onRefused?.(why);
      conn.destroy();
    }
  });
}
