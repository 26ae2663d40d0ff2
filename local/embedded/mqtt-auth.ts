import type { AedesOptions, Client, PublishPacket, Subscription } from 'aedes';
import { isDeviceId } from '../../core/shared/ids';
import {
  devicePolicyAllowsPublish,
  devicePolicyAllowsSubscribe,
  isBackendOnlyTopic,
} from '../../core/ingestion/device-policy';

/**
 * Optional device credentials. When given, every MQTT client must connect
 * with `username` = its device id and a password `verify` accepts, and may
 * publish and subscribe only under its own topics (`devices/{id}/...` and the
 * legacy `{id}/...`), as the IoT policy does in AWS.
 */
export interface DeviceCredentials {
  verify(deviceId: string, password: string): boolean | Promise<boolean>;
}

type DeviceClient = Client & { deviceId?: string };

/**
 * aedes' authentication and authorization hooks, as IoT Core's device policy
 * answers: the backend's topics are the backend's alone; with credentials, a
 * device signs in as its id and touches only its own topics. `intake` runs
 * on every device publish that is allowed (see MqttIntakes.takeOnAuthorize).
 */
export function brokerHooks(
  credentials: DeviceCredentials | undefined,
  intake: (packet: PublishPacket) => Error | null,
): Pick<AedesOptions, 'authorizePublish' | 'authenticate' | 'authorizeSubscribe'> {
  return {
    // client is null for in-process publishes (the backend): their intake happens on delivery.
    authorizePublish: (client, packet, done) => {
      const take = (err?: Error | null) => done(err ?? (client ? intake(packet) : null));
      // A device's config is the backend's to publish: no client, whatever its credentials, may
      // overwrite or clear it (the IoT policy grants devices no publish there).
      if (client && isBackendOnlyTopic(packet.topic))
        return take(new Error(`Only the backend publishes on ${packet.topic}`));
      if (!credentials) {
        // aedes' default check, kept.
        return take(packet.topic.startsWith('$SYS/') ? new Error('$SYS/ topic is reserved') : null);
      }
      // A refused publish closes the connection, which is what IoT Core does too.
      if (!client) return take(null);
      const id = (client as DeviceClient).deviceId;
      take(
        id && devicePolicyAllowsPublish(id, packet.topic)
          ? null
          : new Error(`Device ${id} may not publish on ${packet.topic}`),
      );
    },
    ...(credentials ? deviceSignIn(credentials) : {}),
  };
}

function deviceSignIn(
  credentials: DeviceCredentials,
): Pick<AedesOptions, 'authenticate' | 'authorizeSubscribe'> {
  return {
    authenticate: (client, username, password, done) => {
      const deny = () => {
        const err = Object.assign(new Error('Bad device id or password'), { returnCode: 4 as const });
        done(err, false);
      };
      // An id that cannot be a thing name (`+`, `#`, a `/`) could widen its own topics.
      if (!username || !password || !isDeviceId(username)) return deny();
      Promise.resolve(credentials.verify(username, password.toString('utf8')))
        .then((ok) => {
          if (!ok) return deny();
          (client as DeviceClient).deviceId = username;
          done(null, true);
        })
        .catch(deny);
    },
    authorizeSubscribe: (client, sub: Subscription, done) => {
      const id = (client as DeviceClient).deviceId;
      // A null subscription answers SUBACK 0x80 (refused) and keeps the connection, as IoT Core does.
      done(null, id && devicePolicyAllowsSubscribe(id, sub.topic) ? sub : null);
    },
  };
}
