import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { S3ExportSink } from '../../../core/telemetry/export/s3-sink';

const s3 = mockClient(S3Client);
const client = new S3Client({
  region: 'us-west-2',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

describe('S3ExportSink', () => {
  it('uploads the streamed body to the bucket under the key, as an attachment', async () => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    const sink = new S3ExportSink({ client, bucket: 'yvr-test-exports' });
    async function* body() {
      yield 'time,deviceId\r\n';
      yield '2026-11-01T00:00:00.000Z,b1\r\n';
    }
    await sink.put('exports/b1/x.csv', body(), 'text/csv; charset=utf-8', 'b1.csv');
    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'yvr-test-exports',
      Key: 'exports/b1/x.csv',
      ContentType: 'text/csv; charset=utf-8',
      ContentDisposition: 'attachment; filename="b1.csv"',
    });
    expect(Buffer.from(input.Body as Uint8Array).toString()).toBe(
      'time,deviceId\r\n2026-11-01T00:00:00.000Z,b1\r\n',
    );
  });

  it('answers a presigned GET that expires when it says', async () => {
    const now = Date.UTC(2026, 10, 1);
    const sink = new S3ExportSink({
      client,
      bucket: 'yvr-test-exports',
      linkTtlSeconds: 900,
      clock: () => now,
    });
    const link = await sink.link('exports/b1/x.csv', 'b1.csv');
    const url = new URL(link.url);
    expect(url.hostname).toBe('yvr-test-exports.s3.us-west-2.amazonaws.com');
    expect(url.pathname).toBe('/exports/b1/x.csv');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(link.expiresAt).toBe(new Date(now + 900_000).toISOString());
  });
});

describe('S3ExportSink, a file larger than one part', () => {
  async function* lines(count: number) {
    for (let i = 0; i < count; i++) yield `row-${String(i).padStart(4, '0')}\n`;
  }

  it('uploads it in parts with the client, then completes them in order with their ETags', async () => {
    s3.reset();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3.on(UploadPartCommand).callsFake(async (input: { PartNumber: number }) => ({
      ETag: `"etag-${input.PartNumber}"`,
    }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(AbortMultipartUploadCommand).resolves({});
    const sink = new S3ExportSink({ client, bucket: 'yvr-test-exports', partBytes: 40 });
    // 9 bytes a row: parts of 45, 45 and a last one of 18 bytes.
    await sink.put('exports/b1/big.csv', lines(12), 'text/csv; charset=utf-8', 'big.csv');

    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'yvr-test-exports',
      Key: 'exports/b1/big.csv',
      ContentType: 'text/csv; charset=utf-8',
      ContentDisposition: 'attachment; filename="big.csv"',
    });
    const parts = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => [p.PartNumber, p.UploadId])).toEqual([
      [1, 'up-1'],
      [2, 'up-1'],
      [3, 'up-1'],
    ]);
    const uploaded = parts.map((p) => Buffer.from(p.Body as Uint8Array).toString()).join('');
    expect(uploaded).toBe([...Array(12).keys()].map((i) => `row-${String(i).padStart(4, '0')}\n`).join(''));
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      UploadId: 'up-1',
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: '"etag-1"' },
          { PartNumber: 2, ETag: '"etag-2"' },
          { PartNumber: 3, ETag: '"etag-3"' },
        ],
      },
    });
  });

  it('aborts the upload and throws when a part fails, leaving no parts behind', async () => {
    s3.reset();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-2' });
    s3.on(UploadPartCommand).resolvesOnce({ ETag: '"etag-1"' }).rejects(new Error('part refused'));
    s3.on(AbortMultipartUploadCommand).resolves({});
    const sink = new S3ExportSink({ client, bucket: 'yvr-test-exports', partBytes: 40 });

    await expect(sink.put('exports/b1/big.csv', lines(12), 'text/csv', 'big.csv')).rejects.toThrow(
      'part refused',
    );
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({
      Bucket: 'yvr-test-exports',
      Key: 'exports/b1/big.csv',
      UploadId: 'up-2',
    });
  });
});
