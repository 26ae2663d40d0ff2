/**
 * Store-level outcomes the device service turns into API errors. They never
 * reach a caller as such: the service decides whether a failed condition is a
 * Conflict, a NotFound, or a reason to read again and retry.
 */
export class DeviceExistsError extends Error {
  override readonly name = 'DeviceExistsError';
  constructor(readonly deviceId: string) {
    super(`Device ${deviceId} already exists`);
  }
}

/** A conditional write found the device changed (or gone) since it was read. */
export class StaleDeviceError extends Error {
  override readonly name = 'StaleDeviceError';
  constructor(
    readonly deviceId: string,
    readonly readVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`Device ${deviceId} is no longer at configVersion ${readVersion}`, options);
  }
}
