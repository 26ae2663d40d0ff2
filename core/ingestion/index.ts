/** The ingestion pipeline that the processor and the API's replay share. */
export {
  createIngestionPipeline,
  type IngestionDeps,
  type IngestionPipeline,
  type PipelineLogger,
} from './pipeline';
export type { AckRecorder, ChangeNotifier, DeviceLookup, LastSeenWriter } from './ports';
export type { InboundMessage, IngestionDevice, CalibrationSensor, MessageOutcome } from './types';
export { parseMessage, MAX_PAYLOAD_BYTES, MAX_FUTURE_MS, type ParsedMessage } from './parse';
export { calibrate, prepareSensor, roundTo, type PreparedSensor } from './calibrate';
export { buildRecord } from './records';
export {
  ACK_TOPIC_FILTER,
  PROCESSOR_TOPIC_FILTERS,
  READING_TOPIC_FILTERS,
  parseTopic,
  routeTopic,
  type ParsedTopic,
  type RoutedTopic,
} from './topics';
export {
  DEVICE_POLICY,
  IOT_MAX_MESSAGE_BYTES,
  devicePolicyTopics,
  devicePolicyAllowsPublish,
  devicePolicyAllowsSubscribe,
  isBackendOnlyTopic,
} from './device-policy';
export { AppSyncChangeNotifier, NOTIFY_MUTATION, type AppSyncNotifierOptions } from './appsync-notifier';
