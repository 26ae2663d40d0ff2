/**
 * The API's types as the console sees them: generated from schema.graphql
 * (core/generated/graphql.ts, type-only import), plus the contract's section 5
 * fields that the schema may not have yet; those are optional here because
 * capabilities.ts leaves them out of the documents against an older API.
 */
import type {
  ConfigStatus,
  Device as ApiDevice,
  DeviceConfigVersion,
  Reading as ApiReading,
  ReadingPoint as ApiReadingPoint,
  RejectedMessage,
  Role,
  Sensor,
  SensorInput,
  UserAccount,
} from '../../../core/generated/graphql';

export type { ConfigStatus, DeviceConfigVersion, RejectedMessage, Role, Sensor, SensorInput, UserAccount };

export type Device = ApiDevice & { openAlerts?: number | null };
/** QARTOD flags: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing. */
export type QcFlag = 1 | 2 | 3 | 4 | 9;
/** The quality fields stay optional: against an API without them the documents do not select them. */
export type Reading = Omit<ApiReading, 'qcFlag' | 'qcTests'> & {
  qcFlag?: QcFlag | null;
  qcTests?: string[] | null;
};
export type ReadingPoint = Omit<ApiReadingPoint, 'qcFlag' | 'qcTests' | 'excluded'> & {
  qcFlag?: QcFlag | null;
  qcTests?: string[] | null;
  excluded?: number | null;
};

export type AlertKind = 'HIGH' | 'LOW' | 'SILENT';
export type AlertState = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
export interface Alert {
  id: string;
  deviceId: string;
  sensor: string | null;
  kind: AlertKind;
  state: AlertState;
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
  resolvedAt: string | null;
  threshold: number | null;
  worstValue: number | null;
  lastValue: number | null;
}

export interface Connection<T> {
  items: T[];
  nextToken: string | null;
}

/** The caller's group, from the access token's `cognito:groups`. */
export type ConsoleRole = 'admin' | 'user' | null;
