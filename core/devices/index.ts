/** The device domain's public face: the service, the store port and its DynamoDB adapter, config delivery. */
export { DeviceService, type DeviceServiceOptions, type ReconcileResult } from './device-service';
export type { DeviceRecord, DeviceStore, PendingChange, SettingsWrite } from './device-store';
export { DynamoDeviceStore, type DynamoDeviceStoreOptions } from './dynamodb-device-store';
export { clearMessages, configMessages, type ConfigMessage, type ConfigPublisher } from './config-publisher';
export { configTopic, legacyConfigTopic, legacySensorConfigTopic } from '../ingestion/topics';
export { IotConfigPublisher, type IotConfigPublisherOptions } from './iot-config-publisher';
export {
  DEFAULT_DECIMALS,
  DEFAULT_SENSOR_INTERVAL_MS,
  KNOWN_MEASUREMENTS,
  MAX_SENSORS,
  MAX_DECIMALS,
  desiredConfigOf,
  type DesiredConfig,
  type DeviceAck,
  type DeviceSettings,
} from './model';
export { parseCreateDeviceInput, parseUpdateDeviceInput } from './validation';
