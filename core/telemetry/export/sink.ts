/** Where an export's file goes and how a person downloads it: S3 in AWS, a folder locally. */
export interface ExportSink {
  /**
   * Stores the body under `key` as it is produced (never all of it in memory);
   * resolves once the whole file is stored.
   */
  put(key: string, body: AsyncIterable<string>, contentType: string, fileName: string): Promise<void>;
  /** A link that serves the stored file until `expiresAt`, and nothing after. */
  link(key: string, fileName: string): Promise<{ url: string; expiresAt: string }>;
}
