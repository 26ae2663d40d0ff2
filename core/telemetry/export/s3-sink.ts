import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportSink } from './sink';

export interface S3ExportSinkOptions {
  client: S3Client;
  bucket: string;
  /** How long a download link works (default 3600 s; see docs/TELEMETRY.md on the Lambda role's session). */
  linkTtlSeconds?: number;
  clock?: () => number;
}

/**
 * Exports into the private export bucket: a multipart upload fed as rows are
 * produced (lib-storage holds at most a few 5 MiB parts), then a presigned
 * GET. The bucket's lifecycle rule deletes the object after a day.
 */
export class S3ExportSink implements ExportSink {
  constructor(private readonly options: S3ExportSinkOptions) {}

  async put(key: string, body: AsyncIterable<string>, contentType: string, fileName: string): Promise<void> {
    const upload = new Upload({
      client: this.options.client,
      params: {
        Bucket: this.options.bucket,
        Key: key,
        Body: Readable.from(body),
        ContentType: contentType,
        ContentDisposition: `attachment; filename="${fileName}"`,
      },
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async link(key: string, fileName: string): Promise<{ url: string; expiresAt: string }> {
    const expiresIn = this.options.linkTtlSeconds ?? 3600;
    const now = (this.options.clock ?? Date.now)();
    const url = await getSignedUrl(
      this.options.client,
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${fileName}"`,
      }),
      { expiresIn },
    );
    return { url, expiresAt: new Date(now + expiresIn * 1000).toISOString() };
  }
}
