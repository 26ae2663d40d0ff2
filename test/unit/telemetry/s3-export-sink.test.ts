import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
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
