import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportSink } from './sink';

/** S3's smallest part but the last; the file is held at most two parts at a time. */
export const EXPORT_PART_BYTES = 5 * 1024 * 1024;

export interface S3ExportSinkOptions {
  client: S3Client;
  bucket: string;
  /** How long a download link works (default 3600 s; see docs/TELEMETRY.md on the Lambda role's session). */
  linkTtlSeconds?: number;
  clock?: () => number;
  /** @default EXPORT_PART_BYTES (tests make it smaller; S3 refuses non-final parts under 5 MiB) */
  partBytes?: number;
}

/**
 * Exports into the private export bucket as rows are produced: a file that
 * fits in one part is one PutObject; a larger one is a multipart upload with
 * the S3 client's own commands (one part uploading while the next fills, as
 * lib-storage's Upload did, without its 11 KB in the API bundle), aborted on
 * any failure so no parts are left behind. Then a presigned GET. The bucket's
 * lifecycle rule deletes the object after a day.
 */
export class S3ExportSink implements ExportSink {
  constructor(private readonly options: S3ExportSinkOptions) {}

  async put(key: string, body: AsyncIterable<string>, contentType: string, fileName: string): Promise<void> {
    const { client, bucket } = this.options;
    const partBytes = this.options.partBytes ?? EXPORT_PART_BYTES;
    const object = {
      Bucket: bucket,
      Key: key,
      ContentType: contentType,
      ContentDisposition: `attachment; filename="${fileName}"`,
    };
    let chunks: Buffer[] = [];
    let filled = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    let inFlight: Promise<void> = Promise.resolve();

    const sendPart = async (data: Buffer): Promise<void> => {
      if (uploadId === undefined) {
        uploadId = (await client.send(new CreateMultipartUploadCommand(object))).UploadId;
        if (uploadId === undefined) throw new Error(`S3 started no multipart upload for ${key}`);
      }
      const PartNumber = parts.length + 1;
      const part: CompletedPart = { PartNumber };
      parts.push(part);
      await inFlight;
      inFlight = (async () => {
        const answer = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: data }),
        );
        part.ETag = answer.ETag;
      })();
      // Handled here so that a failure waits, unreported, for the next await of inFlight.
      inFlight.catch(() => undefined);
    };

    try {
      for await (const text of body) {
        const chunk = Buffer.from(text, 'utf8');
        chunks.push(chunk);
        filled += chunk.length;
        if (filled >= partBytes) {
          await sendPart(Buffer.concat(chunks));
          chunks = [];
          filled = 0;
        }
      }
      if (uploadId === undefined) {
        await client.send(new PutObjectCommand({ ...object, Body: Buffer.concat(chunks) }));
        return;
      }
      if (filled > 0) await sendPart(Buffer.concat(chunks));
      await inFlight;
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      // Wait for the part in flight so that the abort removes it too.
      await inFlight.catch(() => undefined);
      if (uploadId !== undefined) {
        await client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      throw err;
    }
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
