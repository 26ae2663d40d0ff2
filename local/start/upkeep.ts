import type { AlertService } from '../../core/alerts';
import type { DeviceService } from '../../core/devices';
import type { DynamoDeviceStore } from '../../core/devices/dynamodb-device-store';
import type { EmbeddedMqtt } from '../embedded/mqtt';
import { rebuildRetainedConfigs } from '../embedded/retained-rebuild';
import type { Part } from './parts';

/**
 * What a start puts right before it is ready: config whose publish failed
 * before the last stop is sent again (issue 5's reconciliation at start), and
 * retained config lost or damaged on disk is published again from the device
 * table, which is the truth. Failures are logged, never fatal.
 */
export async function reconcileAtStart(options: {
  devices: DeviceService;
  deviceStore: DynamoDeviceStore;
  mqtt: EmbeddedMqtt;
  log: (line: string) => void;
}): Promise<void> {
  const { log } = options;
  await options.devices
    .reconcileConfigDelivery()
    .catch((err: unknown) => log(`[local] config reconciliation failed: ${(err as Error).message}`));
  await rebuildRetainedConfigs({ devices: options.deviceStore, mqtt: options.mqtt }).then(
    (ids) => {
      if (ids.length)
        log(
          `[local] retained config rebuilt from the device table for ${ids.length} device(s): ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', ...' : ''}`,
        );
    },
    (err: unknown) => log(`[local] could not rebuild retained config: ${(err as Error).message}`),
  );
}

/** The silence watch on a timer (AWS: the 5-minute reconciliation schedule); stop = clear it. */
export function startSilenceWatch(options: {
  alerts: AlertService | undefined;
  everyMs: number;
  log: (line: string) => void;
}): Part<void> {
  const { log } = options;
  const timer = setInterval(() => {
    options.alerts
      ?.checkSilence()
      .then((r) => r.opened && log(`[alerts] silence check opened ${r.opened} alert(s)`))
      .catch((err: unknown) => log(`[alerts] silence check failed: ${(err as Error).message}`));
  }, options.everyMs);
  timer.unref();
  return { handle: undefined, stop: async () => clearInterval(timer) };
}
