/** A packet's payload as a Buffer (aedes hands over Buffers, strings or nothing). */
export function toBuffer(payload: Buffer | string | Uint8Array | undefined): Buffer {
  if (payload === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
}

/** MQTT topic matching: `+` is one level, a trailing `#` any number (also none). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
