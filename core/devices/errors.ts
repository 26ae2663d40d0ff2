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

/**
 * The id belonged to a deleted device. Its marker keeps the last version
 * issued, so a device created again under that id continues the numbering:
 * a buoy that remembers version 12 must never be offered a "version 1", and a
 * late ack of an old version must not be taken for one of the new device.
 */
export class DeviceRetiredError extends Error {
  override readonly name = 'DeviceRetiredError';
  constructor(
    readonly deviceId: string,
    readonly retiredVersion: number,
  ) {
    super(`Device ${deviceId} was deleted at configVersion ${retiredVersion}`);
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
