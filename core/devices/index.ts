/** The device domain's public face: the service, the store port and its DynamoDB adapter, config delivery. */
export {
  DeviceService,
  type DeviceAck,
  type DeviceServiceOptions,
  type ReconcileResult,
} from './device-service';
export type { DeviceRecord, DeviceStore, PendingChange, SettingsWrite } from './device-store';
export { DynamoDeviceStore, type DynamoDeviceStoreOptions } from './dynamodb-device-store';
export {
  clearMessages,
  configMessages,
  configTopic,
  legacyConfigTopic,
  legacySensorTopic,
  type ConfigMessage,
  type ConfigPublisher,
} from './config-publisher';
export { IotConfigPublisher, type IotConfigPublisherOptions } from './iot-config-publisher';
export {
  DEFAULT_DECIMALS,
  DEFAULT_SENSOR_INTERVAL_MS,
  KNOWN_MEASUREMENTS,
  MAX_SENSORS,
  desiredConfigOf,
  type DesiredConfig,
  type DeviceSettings,
} from './model';
export { parseCreateDeviceInput, parseUpdateDeviceInput } from './validation';
