import type { Api } from './api';
import type { Connection, Device } from './types';

/** Every device, page by page (the API pages with nextToken; it never scans). */
export async function allDevices(api: Api, max = 1000): Promise<Device[]> {
  const out: Device[] = [];
  let nextToken: string | null = null;
  do {
    const page: Connection<Device> = await api.request('devices', { limit: 100, nextToken });
    out.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken && out.length < max);
  return out;
}

/** The list after one subscription event: replaced, added (sorted by id) or removed. */
export function applyDeviceEvent(list: readonly Device[], event: Device): Device[] {
  if (event.deletedAt) return list.filter((d) => d.id !== event.id);
  const i = list.findIndex((d) => d.id === event.id);
  if (i >= 0) return list.map((d) => (d.id === event.id ? { ...d, ...event } : d));
  return [...list, event].sort((a, b) => a.id.localeCompare(b.id));
}
