import type { Device } from '../../core/generated/graphql';
import { configMessages } from '../../core/devices/config-publisher';
import type { Page } from '../../core/shared/pagination';
import type { EmbeddedMqtt } from './mqtt';

export interface RetainedRebuildDeps {
  devices: {
    list(limit: number, nextToken?: string | null): Promise<Page<Device>>;
    /** The device unless it is gone or being deleted. */
    get(id: string): Promise<Device | undefined>;
  };
  mqtt: Pick<EmbeddedMqtt, 'retained' | 'publish'>;
}

/**
 * Makes the broker's retained config agree with the device table, which is
 * the truth: every config message a device should have retained and does not
 * (a damaged or deleted retained-messages file, a lost write) is published
 * again. Returns the ids of the devices whose config was rebuilt.
 */
export async function rebuildRetainedConfigs(deps: RetainedRebuildDeps): Promise<string[]> {
  const retained = deps.mqtt.retained();
  const rebuilt: string[] = [];
  let token: string | null = null;
  do {
    const page: Page<Device> = await deps.devices.list(100, token);
    for (const listed of page.items) {
      const differs = configMessages(listed).some(
        (m) => (retained.get(m.topic)?.toString('utf8') ?? '') !== m.payload,
      );
      if (!differs) continue;
      // Read again: a device being deleted must not get its config back.
      const device = await deps.devices.get(listed.id);
      if (!device) continue;
      for (const m of configMessages(device)) {
        if ((retained.get(m.topic)?.toString('utf8') ?? '') === m.payload) continue;
        await deps.mqtt.publish({ topic: m.topic, payload: m.payload, qos: 1, retain: true });
      }
      rebuilt.push(device.id);
    }
    token = page.nextToken;
  } while (token);
  return rebuilt;
}
