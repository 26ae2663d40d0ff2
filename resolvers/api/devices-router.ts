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
import type { Caller } from '../../core/shared/identity';
import { logger as defaultLogger } from '../../core/shared/logger';
import { requireBackend, requireGroup } from './auth';
import { areaRouter } from './route';

/** The updateDevice fields that can end an alert's rule. */
const RULE_FIELDS = ['sensors', 'enabled', 'silenceAfterIntervals'] as const;

/** Who a history entry and `updatedBy` name: the account's username, or the backend principal. */
const actorOf = (caller: Caller): string => (caller.kind === 'user' ? caller.username : caller.principal);

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
    on.query<QueryDeviceArgs>('device', async (args, caller) => {
      requireGroup(caller, 'admin', 'user');
      return devices.device(args.id);
    });
    on.query<QueryDevicesArgs>('devices', async (args, caller) => {
      requireGroup(caller, 'admin', 'user');
      return devices.devices(args.limit, args.nextToken);
    });
    on.query<QueryDeviceConfigHistoryArgs>('deviceConfigHistory', async (args, caller) => {
      requireGroup(caller, 'admin', 'user');
      return devices.deviceConfigHistory(args.deviceId, args.limit, args.nextToken);
    });

    on.mutation<MutationCreateDeviceArgs>('createDevice', async (args, caller) =>
      devices.createDevice(args.input, actorOf(requireGroup(caller, 'admin'))),
    );
    on.mutation<MutationUpdateDeviceArgs>('updateDevice', async (args, caller) => {
      const device = await devices.updateDevice(args.input, actorOf(requireGroup(caller, 'admin')));
      // Labels (name, description, location) and the interval leave every rule as it was: no review.
      return RULE_FIELDS.some((f) => args.input[f] !== undefined) ? reviewed(device) : device;
    });
    on.mutation<MutationDeleteDeviceArgs>('deleteDevice', async (args, caller) => {
      const deleted = await devices.deleteDevice(args.id, actorOf(requireGroup(caller, 'admin')));
      await reviewAlerts(deleted.id, null);
      return deleted;
    });
    on.mutation<MutationDeleteSensorArgs>('deleteSensor', async (args, caller) =>
      reviewed(
        await devices.deleteSensor(args.deviceId, args.sensorId, actorOf(requireGroup(caller, 'admin'))),
      ),
    );
    on.mutation<MutationRepublishDeviceConfigArgs>('republishDeviceConfig', async (args, caller) => {
      requireGroup(caller, 'admin');
      return devices.republishDeviceConfig(args.id);
    });
    on.mutation<MutationRollbackDeviceConfigArgs>('rollbackDeviceConfig', async (args, caller) =>
      reviewed(
        await devices.rollbackDeviceConfig(
          args.deviceId,
          args.version,
          actorOf(requireGroup(caller, 'admin')),
        ),
      ),
    );
    on.mutation<MutationNotifyDeviceConfigChangedArgs>('notifyDeviceConfigChanged', async (args, caller) => {
      requireBackend(caller);
      return devices.notifyDeviceConfigChanged(args.id);
    });
  });
}
