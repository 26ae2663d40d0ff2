/** Quality: QARTOD tests at ingestion, the calibration log, and recalibration of stored history. */
export { QC_FLAG, QC_TESTS, aggregateFlag, summarise, type QcFlag, type QcTestName } from './flags';
export { createQualityAssessor, type QualityAssessor, type QcDevice } from './assessor';
export { QualityHistory, type QualityHistoryOptions } from './history';
export { resolveThresholds, MEASUREMENT_DEFAULTS, type QcThresholds } from './thresholds';
export type { CalibrationLogStore } from './calibration-log';
export { DynamoCalibrationLog } from './dynamodb-calibration-log';
export { calibrationChangesOf } from './calibration-changes';
export { QualityService, type QualityServiceDeps } from './service';
