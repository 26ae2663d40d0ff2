/** The optional parts of the contract (section 5) that the API may not serve yet. */
export interface Capabilities {
  /** `alerts`, `acknowledgeAlert`, `onAlertChanged`, `Device.openAlerts`. */
  alerts: boolean;
  /** `Reading.qcFlag`, `Reading.qcTests`, `ReadingPoint.qcFlag`. */
  quality: boolean;
  /** `exportReadings`. */
  export: boolean;
}

export const ALL_CAPABILITIES: Capabilities = { alerts: true, quality: true, export: true };

interface TypeFields {
  fields?: { name: string }[] | null;
}

/**
 * Reads the answer of CAPABILITIES_QUERY; a missing answer (introspection
 * disabled) means the whole contract.
 */
export function capabilitiesFrom(
  data: { device?: TypeFields | null; reading?: TypeFields | null; query?: TypeFields | null } | undefined,
): Capabilities {
  if (!data?.device?.fields || !data.query?.fields) return ALL_CAPABILITIES;
  const has = (type: TypeFields | null | undefined, name: string) =>
    (type?.fields ?? []).some((f) => f.name === name);
  return {
    alerts: has(data.device, 'openAlerts') && has(data.query, 'alerts'),
    quality: has(data.reading, 'qcFlag'),
    export: has(data.query, 'exportReadings'),
  };
}
