import type { DeviceLookup, IngestionDevice } from '../../core/ingestion';

export interface DeviceCacheOptions {
  /** Where devices come from on a miss (the DynamoDB device store). */
  source: Pick<DeviceLookup, 'get'>;
  /** How long a device is trusted (default 60 s); an ack with a newer version ends it sooner. */
  ttlMs?: number;
  /** How long "no such device" is trusted (default 30 s), so a device not yet created costs no read per message. */
  negativeTtlMs?: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
  clock?: () => number;
}

interface Entry {
  device: IngestionDevice | undefined;
  expiresAt: number;
}

/**
 * A per-container device cache in front of the device store. Devices change
 * rarely and report often, so almost every message is calibrated from
 * memory; a device is fetched again when its entry expires or when an ack
 * shows a configVersion newer than the cached one. Concurrent misses for one
 * device share one read.
 */
export class DeviceCache implements DeviceLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<IngestionDevice | undefined>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;
  /** Reads that reached the source: what the benchmark and the tests count. */
  misses = 0;
  hits = 0;

  constructor(private readonly options: DeviceCacheOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  async get(id: string): Promise<IngestionDevice | undefined> {
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt > this.clock()) {
      this.hits++;
      return entry.device;
    }
    const pending = this.inFlight.get(id);
    if (pending) {
      this.hits++;
      return pending;
    }
    this.misses++;
    const read = this.options.source.get(id).then(
      (device) => {
        this.store(id, device);
        return device;
      },
      (err: unknown) => {
        this.inFlight.delete(id);
        throw err;
      },
    );
    this.inFlight.set(id, read);
    return read;
  }

  observeVersion(id: string, version: number): void {
    const entry = this.entries.get(id);
    if (entry && (!entry.device || entry.device.configVersion < version)) this.entries.delete(id);
  }

  remember(device: IngestionDevice): void {
    this.store(device.id, device);
  }

  private store(id: string, device: IngestionDevice | undefined): void {
    this.inFlight.delete(id);
    this.entries.delete(id);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { device, expiresAt: this.clock() + (device ? this.ttlMs : this.negativeTtlMs) });
  }
}
