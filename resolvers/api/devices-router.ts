import { Router } from '@aws-lambda-powertools/event-handler/appsync-graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeviceService } from '../../core/devices';
import type { Caller } from '../../core/shared/identity';
import { logger as defaultLogger } from '../../core/shared/logger';
import { callerOf, requireBackend, requireGroup } from './auth';
import { enveloped } from './route';

type Args = Record<string, unknown>;

/** Who a history entry and `updatedBy` name: the account's username, or the backend principal. */
const actorOf = (caller: Caller): string => (caller.kind === 'user' ? caller.username : caller.principal);

/**
 * Device fields: reads for `admin` and `user`, changes for `admin`,
 * notifyDeviceConfigChanged for the backend only. The group check repeats the
 * schema's directives (defence in depth).
 */
export function devicesRouter(devices: DeviceService, log: Logger = defaultLogger): Router {
  const router = new Router({ logger: log });
  const query = (field: string, handler: (args: Args, caller: Caller) => Promise<unknown>) =>
    router.onQuery<Args>(
      field,
      enveloped(async (args, { event }) => handler(args, callerOf(event)), log),
    );
  const mutation = (field: string, handler: (args: Args, caller: Caller) => Promise<unknown>) =>
    router.onMutation<Args>(
      field,
      enveloped(async (args, { event }) => handler(args, callerOf(event)), log),
    );

  query('device', async (args, caller) => {
    requireGroup(caller, 'admin', 'user');
    return devices.device(args.id);
  });
  query('devices', async (args, caller) => {
    requireGroup(caller, 'admin', 'user');
    return devices.devices(args.limit, args.nextToken);
  });
  query('deviceConfigHistory', async (args, caller) => {
    requireGroup(caller, 'admin', 'user');
    return devices.deviceConfigHistory(args.deviceId, args.limit, args.nextToken);
  });

  mutation('createDevice', async (args, caller) =>
    devices.createDevice(args.input, actorOf(requireGroup(caller, 'admin'))),
  );
  mutation('updateDevice', async (args, caller) =>
    devices.updateDevice(args.input, actorOf(requireGroup(caller, 'admin'))),
  );
  mutation('deleteDevice', async (args, caller) =>
    devices.deleteDevice(args.id, actorOf(requireGroup(caller, 'admin'))),
  );
  mutation('deleteSensor', async (args, caller) =>
    devices.deleteSensor(args.deviceId, args.sensorId, actorOf(requireGroup(caller, 'admin'))),
  );
  mutation('republishDeviceConfig', async (args, caller) => {
    requireGroup(caller, 'admin');
    return devices.republishDeviceConfig(args.id);
  });
  mutation('rollbackDeviceConfig', async (args, caller) =>
    devices.rollbackDeviceConfig(args.deviceId, args.version, actorOf(requireGroup(caller, 'admin'))),
  );
  mutation('notifyDeviceConfigChanged', async (args, caller) => {
    requireBackend(caller);
    return devices.notifyDeviceConfigChanged(args.id);
  });

  return router;
}
