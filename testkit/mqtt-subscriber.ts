import mqtt from 'mqtt';
import { waitFor } from './wait-for';

/** What a device received on subscribing: each topic's payloads in arrival order, and whether retained. */
export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/**
 * Connects to `url` as a device would, subscribes to `filter` at QoS 1,
 * waits (bounded, through waitFor) until `count` messages have arrived, and
 * disconnects. Returns what arrived, in order: on a fresh subscription these
 * are the retained messages the broker holds for the filter.
 */
export async function receivedOnSubscribe(
  url: string,
  filter: string,
  { count = 1, clientId = `test-${Math.random()}`, timeoutMs = 10_000 } = {},
): Promise<Received[]> {
  const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0 });
  const received: Received[] = [];
  try {
    client.on('message', (topic, payload, packet) => {
      received.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
    });
    await client.subscribeAsync(filter, { qos: 1 });
    await waitFor(() => received.length >= count, {
      timeoutMs,
      describe: () => `${count} message(s) on ${filter}, got ${received.length}`,
    });
    return [...received];
  } finally {
    await client.endAsync();
  }
}

/** {@link receivedOnSubscribe}'s messages grouped by topic. */
export const byTopic = (received: readonly Received[]): Map<string, string[]> => {
  const out = new Map<string, string[]>();
  for (const r of received) out.set(r.topic, [...(out.get(r.topic) ?? []), r.payload]);
  return out;
};
