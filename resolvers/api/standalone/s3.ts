import { S3Client } from '@aws-sdk/client-s3';
import { S3ExportSink, type S3ExportSinkOptions } from '../../../core/telemetry/export/s3-sink';

/** The export bucket's sink (imported by handler.ts on the first export). */
export const s3ExportSink = (options: Omit<S3ExportSinkOptions, 'client'>): S3ExportSink =>
  new S3ExportSink({ client: new S3Client({}), ...options });
