/** Telemetry: the store port, its Timestream, DynamoDB and DuckDB adapters, and the API's read service. */
export type { TelemetryStore } from './port';
export type {
  CalibratedReading,
  TelemetryRecord,
  RecordFailure,
  WriteResult,
  RangeQuery,
  ScanQuery,
} from './types';
export { TelemetryService, type SensorCatalog, type TelemetryServiceDeps } from './service';
export { DuckDbTelemetryStore, type DuckDbTelemetryOptions } from './duckdb-store';
export { TimestreamTelemetryStore, type TimestreamTelemetryOptions } from './timestream/store';
export { TimestreamWriter, type TimestreamWriterOptions } from './timestream/writer';
export { DynamoDbTelemetryStore, type DynamoDbTelemetryOptions } from './dynamodb/store';
export { parseInterval } from './interval';
