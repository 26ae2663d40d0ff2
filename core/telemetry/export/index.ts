/** Readings export: the service, the file formats and the sink port (its S3 adapter is imported deeply, to keep it out of other bundles). */
export { ExportService, type ExportServiceDeps, MAX_EXPORT_RANGE_MS } from './service';
export { EXPORT_CSV_COLUMNS, headerOf, lineOf } from './format';
export type { ExportSink } from './sink';
