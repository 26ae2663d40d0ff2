import type { Aedes, AedesPublishPacket, PublishPacket } from 'aedes';
import { toBuffer, topicMatches } from './mqtt-payload';

interface Intake {
  filter: string;
  onMessage: (topic: string, payload: Buffer) => void;
  open: boolean;
}

/**
 * The consumers that must have a message before its publisher is answered
 * (the processor's durable inbox). aedes writes a QoS 1 PUBACK first and only
 * then (a few turns later) delivers to subscribers, so a device's publish is
 * taken while it is authorized (`takeOnAuthorize`); `taken` (keyed by the
 * payload buffer, which aedes passes on unchanged) keeps the delivery that
 * follows from handing it over twice. In-process and Data Plane publishes
 * (no client) are taken on delivery, before their caller hears back.
 */
export class MqttIntakes {
  readonly #intakes = new Set<Intake>();
  readonly #taken = new WeakSet<object>();

  /** Hands a device's publish to the intakes on its topic; an error refuses it (no PUBACK). */
  takeOnAuthorize(packet: PublishPacket): Error | null {
    for (const intake of this.#intakes) {
      if (!topicMatches(intake.filter, packet.topic)) continue;
      if (!intake.open) return new Error(`Not accepting ${packet.topic}: the processor is stopping`);
      try {
        intake.onMessage(packet.topic, toBuffer(packet.payload));
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
      if (typeof packet.payload === 'object') this.#taken.add(packet.payload);
    }
    return null;
  }

  /** True when a closed intake covers `topic`: a publish there would be answered and then dropped. */
  closedOn(topic: string): boolean {
    for (const intake of this.#intakes) if (!intake.open && topicMatches(intake.filter, topic)) return true;
    return false;
  }

  /** Adds an intake on `filter` of `broker`; returns the function that closes it (kept, refusing publishes). */
  async add(
    broker: Aedes,
    filter: string,
    onMessage: (topic: string, payload: Buffer) => void,
  ): Promise<() => Promise<void>> {
    const entry: Intake = { filter, onMessage, open: true };
    this.#intakes.add(entry);
    const deliver = (packet: AedesPublishPacket, cb: () => void) => {
      if (entry.open && !packet.topic.startsWith('$SYS/') && !this.#taken.has(packet.payload as object))
        onMessage(packet.topic, toBuffer(packet.payload));
      cb();
    };
    await new Promise<void>((resolve) => broker.subscribe(filter, deliver, () => resolve()));
    return async () => {
      // Kept in the set, closed: a device's publish on the filter is refused from now on.
      entry.open = false;
      await new Promise<void>((resolve) => broker.unsubscribe(filter, deliver, () => resolve()));
    };
  }
}
