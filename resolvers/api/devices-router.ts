import type { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertService } from '../../core/alerts/alert-service';
import type { DeviceService } from '../../core/devices';
import type {
  Device,
  MutationCreateDeviceArgs,
  MutationDeleteDeviceArgs,
  MutationDeleteSensorArgs,
  MutationNotifyDeviceConfigChangedArgs,
  MutationRepublishDeviceConfigArgs,
  MutationRollbackDeviceConfigArgs,
  MutationUpdateDeviceArgs,
  QueryDeviceArgs,
  QueryDeviceConfigHistoryArgs,
  QueryDevicesArgs,
} from '../../core/generated/graphql';
import { logger as defaultLogger } from '../../core/shared/logger';
import { areaRouter, type UserCaller } from './route';

/** The updateDevice fields that can end an alert's rule. */
const RULE_FIELDS = ['sensors', 'enabled', 'silenceAfterIntervals'] as const;

/** Who a history entry and `updatedBy` name: the account's username. */
const actorOf = (caller: UserCaller): string => caller.username;

/**
 * Device fields: reads for `admin` and `user`, changes for `admin`,
 * notifyDeviceConfigChanged for the backend only. The group check repeats the
 * schema's directives (defence in depth).
 */
export function devicesRouter(
  devices: DeviceService,
  log: Logger = defaultLogger,
  alerts?: AlertService,
): Router {
  // A config change can end an alert's rule (sensor removed or disabled, alerts off, device deleted):
  // such alerts are resolved now, since no reading would close them. A failure here is logged, not the
  // caller's: the change itself is made.
  const reviewAlerts = async (deviceId: string, device: Device | null): Promise<void> => {
    if (!alerts) return;
    try {
      await alerts.configChanged(deviceId, device);
    } catch (error) {
      log.error('Could not review the alerts of a changed device', { deviceId, error: error as Error });
    }
  };
  const reviewed = async (device: Device): Promise<Device> => {
    await reviewAlerts(device.id, device);
    return device;
  };

  return areaRouter(log, (on) => {
    const people = ['admin', 'user'] as const;
    on.query<QueryDeviceArgs>('device', people, async (args) => devices.device(args.id));
    on.query<QueryDevicesArgs>('devices', people, async (args) =>
      devices.devices(args.limit, args.nextToken),
    );
    on.query<QueryDeviceConfigHistoryArgs>('deviceConfigHistory', people, async (args) =>
      devices.deviceConfigHistory(args.deviceId, args.limit, args.nextToken),
    );

    const admins = ['admin'] as const;
    on.mutation<MutationCreateDeviceArgs>('createDevice', admins, async (args, caller) =>
      devices.createDevice(args.input, actorOf(caller)),
    );
    on.mutation<MutationUpdateDeviceArgs>('updateDevice', admins, async (args, caller) => {
      const device = await devices.updateDevice(args.input, actorOf(caller));
      // Labels (name, description, location) and the interval leave every rule as it was: no review.
      return RULE_FIELDS.some((f) => args.input[f] !== undefined) ? reviewed(device) : device;
    });
    on.mutation<MutationDeleteDeviceArgs>('deleteDevice', admins, async (args, caller) => {
      const deleted = await devices.deleteDevice(args.id, actorOf(caller));
      await reviewAlerts(deleted.id, null);
      return deleted;
    });
    on.mutation<MutationDeleteSensorArgs>('deleteSensor', admins, async (args, caller) =>
      reviewed(await devices.deleteSensor(args.deviceId, args.sensorId, actorOf(caller))),
    );
    on.mutation<MutationRepublishDeviceConfigArgs>('republishDeviceConfig', admins, async (args) =>
      devices.republishDeviceConfig(args.id),
    );
    on.mutation<MutationRollbackDeviceConfigArgs>('rollbackDeviceConfig', admins, async (args, caller) =>
      reviewed(await devices.rollbackDeviceConfig(args.deviceId, args.version, actorOf(caller))),
    );
    on.mutation<MutationNotifyDeviceConfigChangedArgs>('notifyDeviceConfigChanged', 'backend', async (args) =>
      devices.notifyDeviceConfigChanged(args.id),
    );
  });
}
