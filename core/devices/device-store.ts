import type { AlertSlots } from '../alerts/model';
import type { Device } from '../generated/graphql';
import type { Page } from '../shared/pagination';
import type { ConfigChangeRecord, ConfigVersionRecord, DeviceSettings } from './model';

/** The change a write made, kept on the device row so a crash before its history item is written loses nothing. */
export interface PendingChange {
  version: number;
  change: string;
  changedBy: string | null;
  changedAt: string;
  diff: ConfigChangeRecord[];
}

/** A device row with the bookkeeping the service needs and the API never shows. */
export interface DeviceRecord {
  device: Device;
  /** The change that produced `device.configVersion`. */
  lastChange: PendingChange | null;
  /** Sensors removed since the last confirmed publish, whose legacy retained topics still need clearing. */
  retiredSensorIds: string[];
  /** Set while a delete is clearing retained topics; such a row is invisible to get() and list(). */
  deletingAt: string | null;
  /** The alert state of each rule (core/alerts): travels with the device into the processor's cache. */
  alertSlots: AlertSlots;
}

/** The device with its alert state, as the calibration processor caches it. */
export type DeviceWithAlerts = Device & { alertSlots: AlertSlots };

/** A lastSeenAt write with the silence watch: the deadline (null = not watched). */
export interface SilenceWatch {
  deadline: string | null;
}

/** One new config version as the service computed it. */
export interface SettingsWrite {
  id: string;
  settings: DeviceSettings;
  version: number;
  change: PendingChange;
  retiredSensorIds: string[];
  at: string;
  by: string | null;
}

/**
 * The device table port. Every write that changes the desired config is
 * conditional on the configVersion read, so concurrent writers never lose an
 * update; a failed condition is a StaleDeviceError (or DeviceExistsError /
 * DeviceRetiredError on create). A deleted device leaves a retired marker that
 * no read returns.
 */
export interface DeviceStore {
  /** One device, or undefined when there is none (or it is being deleted). */
  get(id: string): Promise<Device | undefined>;
  /** The row with its bookkeeping, tombstones included. */
  getRecord(id: string): Promise<DeviceRecord | undefined>;
  /** Devices by id, one page per call, never a scan. */
  list(limit: number, nextToken?: string | null): Promise<Page<Device>>;
  /** Rows whose latest config has not been confirmed as published (sparse index), tombstones included. */
  listUndelivered(limit: number, nextToken?: string | null): Promise<Page<DeviceRecord>>;
  /**
   * Writes a new device at `write.version`. DeviceExistsError when the id is
   * taken; DeviceRetiredError when it belonged to a deleted device, in which
   * case the caller writes again with `replacingRetiredVersion` and a version above it.
   */
  create(write: SettingsWrite, replacingRetiredVersion?: number): Promise<Device>;
  /** Writes new settings as `write.version`, only while the row is at `readVersion`. */
  writeSettings(write: SettingsWrite, readVersion: number): Promise<Device>;
  /** Turns the row into a tombstone at a new version, only while it is at `readVersion`. */
  markDeleting(id: string, readVersion: number, at: string, by: string | null): Promise<DeviceRecord>;
  /** Replaces a tombstone with a retired marker that keeps only the last version issued. */
  retire(id: string, version: number, at: string): Promise<void>;
  /** The publish of `version` succeeded; undefined when a newer version has superseded it. */
  markDelivered(id: string, version: number, at: string): Promise<Device | undefined>;
  /** The publish of `version` failed; undefined when a newer version has superseded it. */
  markDeliveryFailed(id: string, version: number, at: string, error: string): Promise<Device | undefined>;
  /** Records an ack of the current version; undefined when `version` is no longer current. */
  recordCurrentAck(
    id: string,
    version: number,
    status: 'APPLIED' | 'REJECTED',
    reason: string | null,
  ): Promise<Device | undefined>;
  /** Raises reportedConfigVersion to an older `version`; undefined when that would not raise it. */
  recordOlderAck(id: string, version: number): Promise<Device | undefined>;
  /**
   * Moves lastSeenAt forward only; a missing device is a no-op. With `watch`,
   * the same write moves the silence deadline (gsi3) and answers the device's
   * alert slots as they are now (so an open silence alert is seen without a read).
   */
  touchLastSeen(id: string, at: string, watch?: SilenceWatch): Promise<AlertSlots | undefined>;
  /** Idempotent: the same version always carries the same record. */
  putConfigVersion(record: ConfigVersionRecord): Promise<void>;
  getConfigVersion(deviceId: string, version: number): Promise<ConfigVersionRecord | undefined>;
  /** Newest first. */
  listConfigVersions(
    deviceId: string,
    limit: number,
    nextToken?: string | null,
  ): Promise<Page<ConfigVersionRecord>>;
  deleteConfigVersions(deviceId: string): Promise<void>;
}
