import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { IotConfigPublisher } from '../../../core/devices/iot-config-publisher';

/** Device config published through IoT Core's data plane (imported by handler.ts on the first publish). */
export const iotConfigPublisher = (endpoint: string): IotConfigPublisher =>
  new IotConfigPublisher({ client: new IoTDataPlaneClient({ endpoint }) });
