import type { Api } from './api';
import { allPages } from './paging';
import type { Device } from './types';

/** Every device, page by page (the API pages with nextToken; it never scans). */
export function allDevices(api: Api, max = 1000): Promise<Device[]> {
  return allPages<Device>(api, 'devices', { limit: 100 }, max);
}

/** The list after one subscription event: replaced, added (sorted by id) or removed. */
export function applyDeviceEvent(list: readonly Device[], event: Device): Device[] {
  if (event.deletedAt) return list.filter((d) => d.id !== event.id);
  const i = list.findIndex((d) => d.id === event.id);
  if (i >= 0) return list.map((d) => (d.id === event.id ? { ...d, ...event } : d));
  return [...list, event].sort((a, b) => a.id.localeCompare(b.id));
}
