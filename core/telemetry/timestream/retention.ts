/**
 * The Timestream table's retention, the one source for infra (the table),
 * the processor and API (what they may still write), and the local store
 * (which applies the same window). docs/TELEMETRY.md explains the window.
 */

/** Hours a record stays in the memory store (cheap, fast writes; immediately queryable). */
export const DEFAULT_MEMORY_STORE_RETENTION_HOURS = 24;

/** Days a record stays in the magnetic store: ten years for production stages, 30 days for the others. */
export const defaultMagneticStoreRetentionDays = (production: boolean): number => (production ? 3650 : 30);

const DAY_MS = 86_400_000;

/**
 * The oldest time a write may carry. Magnetic-store writes are on, so
 * Timestream accepts any time inside the magnetic store's retention, not
 * only the memory store's; older records it refuses.
 */
export function oldestWritableTime(now: number, magneticStoreRetentionDays: number): number {
  return now - magneticStoreRetentionDays * DAY_MS;
}
