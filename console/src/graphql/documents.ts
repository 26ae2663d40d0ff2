/**
 * Every GraphQL document the console sends, in one place, named as in the
 * public contract (CONTRACT.md sections 1 and 5). Fields that some APIs may not
 * serve yet (alerts, quality flags, export) are kept in their own fragments so
 * that `capabilities.ts` can leave them out against an API that lacks them;
 * test/unit/console/documents.test.ts validates every document here against
 * schema.graphql and names the contract fields the schema does not have yet.
 */
import type { Capabilities } from './capabilities';

const SENSOR_FIELDS = /* GraphQL */ `
  id
  measurement
  unit
  enabled
  min
  max
  alertsEnabled
  decimals
  calibration {
    points {
      raw
      actual
    }
    calibratedAt
  }
`;

/**
 * The device's selection set. Mutations select it whole: AppSync sends a
 * subscriber only the fields that the triggering mutation selected.
 */
export function deviceFields(caps: Capabilities): string {
  return /* GraphQL */ `
    id
    name
    description
    enabled
    location {
      latitude
      longitude
    }
    sensorIntervalMs
    sensors {
      ${SENSOR_FIELDS}
    }
    configVersion
    reportedConfigVersion
    configStatus
    configRejectedReason
    delivery {
      status
      version
      attemptedAt
      error
    }
    lastSeenAt
    createdAt
    updatedAt
    updatedBy
    deletedAt
    ${caps.alerts ? 'openAlerts' : ''}
  `;
}

/** A sign-in account's fields, as the accounts page shows them. */
const ACCOUNT_FIELDS = /* GraphQL */ `
  username
  email
  role
  status
  enabled
  createdAt
  updatedAt
`;

const QC_FIELDS = (caps: Capabilities) => (caps.quality ? 'qcFlag\nqcTests' : '');
const QC_POINT_FIELDS = (caps: Capabilities) => (caps.quality ? 'qcFlag' : '');

export const ALERT_FIELDS = /* GraphQL */ `
  id
  deviceId
  sensor
  kind
  state
  openedAt
  acknowledgedAt
  acknowledgedBy
  note
  resolvedAt
  threshold
  worstValue
  lastValue
`;

type Kind = 'query' | 'mutation' | 'subscription';
/** Variable name to GraphQL type, in the order the operation declares them. */
type Variables = Readonly<Record<string, string>>;

/**
 * An operation on one root field that passes each variable through as the
 * argument of the same name, named as the contract names it (the field, capitalised).
 */
function operation(kind: Kind, field: string, variables: Variables, selection: string): string {
  const entries = Object.entries(variables);
  const declared = entries.length ? `(${entries.map(([name, type]) => `$${name}: ${type}`).join(', ')})` : '';
  const passed = entries.length ? `(${entries.map(([name]) => `${name}: $${name}`).join(', ')})` : '';
  const name = field.charAt(0).toUpperCase() + field.slice(1);
  return `${kind} ${name}${declared} {\n  ${field}${passed} {\n    ${selection}\n  }\n}`;
}

const PAGE: Variables = { limit: 'Int', nextToken: 'String' };

/** A paged query: its items and the nextToken of the next page. */
function paged(field: string, variables: Variables, items: string): string {
  return operation('query', field, { ...variables, ...PAGE }, `items {\n${items}\n}\nnextToken`);
}

/** The documents, built for what the API serves (see capabilities.ts). */
export function documents(caps: Capabilities) {
  const device = deviceFields(caps);
  return {
    devices: paged('devices', {}, device),
    device: operation('query', 'device', { id: 'ID!' }, device),
    latestReadings: operation(
      'query',
      'latestReadings',
      { deviceId: 'ID!' },
      /* GraphQL */ `
        deviceId
        sensor
        time
        value
        raw
        unit
        outOfRange
        configVersion
        ${QC_FIELDS(caps)}
      `,
    ),
    readings: paged(
      'readings',
      { deviceId: 'ID!', sensor: 'String!', from: 'AWSDateTime!', to: 'AWSDateTime!', interval: 'String' },
      /* GraphQL */ `
        time
        value
        raw
        outOfRange
        avg
        min
        max
        count
        ${QC_POINT_FIELDS(caps)}
      `,
    ),
    // The one document with a literal argument (the format), so it is written out.
    exportReadings: /* GraphQL */ `
      query ExportReadings($deviceId: ID!, $sensors: [String!], $from: AWSDateTime!, $to: AWSDateTime!) {
        exportReadings(deviceId: $deviceId, sensors: $sensors, from: $from, to: $to, format: CSV) {
          url
          expiresAt
          rows
        }
      }
    `,
    configHistory: paged(
      'deviceConfigHistory',
      { deviceId: 'ID!' },
      /* GraphQL */ `
        deviceId
        version
        config
        change
        changedBy
        changedAt
        diff {
          path
          from
          to
        }
      `,
    ),
    alerts: paged('alerts', { deviceId: 'ID', state: 'AlertState' }, ALERT_FIELDS),
    rejectedMessages: paged(
      'rejectedMessages',
      { deviceId: 'ID' },
      /* GraphQL */ `
        id
        deviceId
        topic
        payload
        payloadEncoding
        reason
        receivedAt
        replayCount
        lastReplayedAt
      `,
    ),
    userAccounts: paged('userAccounts', {}, ACCOUNT_FIELDS),
    createDevice: operation('mutation', 'createDevice', { input: 'CreateDeviceInput!' }, device),
    updateDevice: operation('mutation', 'updateDevice', { input: 'UpdateDeviceInput!' }, device),
    deleteDevice: operation('mutation', 'deleteDevice', { id: 'ID!' }, device),
    rollbackDeviceConfig: operation(
      'mutation',
      'rollbackDeviceConfig',
      { deviceId: 'ID!', version: 'Int!' },
      device,
    ),
    acknowledgeAlert: operation('mutation', 'acknowledgeAlert', { id: 'ID!', note: 'String' }, ALERT_FIELDS),
    replayRejectedMessage: operation(
      'mutation',
      'replayRejectedMessage',
      { id: 'ID!' },
      /* GraphQL */ `
        accepted
        reason
        message {
          id
          replayCount
          lastReplayedAt
        }
      `,
    ),
    addUserAccount: operation(
      'mutation',
      'addUserAccount',
      { input: 'AddUserAccountInput!' },
      ACCOUNT_FIELDS,
    ),
    updateUserAccount: operation(
      'mutation',
      'updateUserAccount',
      { input: 'UpdateUserAccountInput!' },
      ACCOUNT_FIELDS,
    ),
    deleteUserAccount: operation('mutation', 'deleteUserAccount', { username: 'ID!' }, 'username'),
    onDeviceConfigChanged: operation('subscription', 'onDeviceConfigChanged', { deviceId: 'ID' }, device),
    onAlertChanged: operation('subscription', 'onAlertChanged', { deviceId: 'ID' }, ALERT_FIELDS),
  } as const;
}

export type Documents = ReturnType<typeof documents>;
export type DocumentName = keyof Documents;

/** Which capability each document needs; a document whose capability is off is never sent. */
export const DOCUMENT_NEEDS: Partial<Record<DocumentName, keyof Capabilities>> = {
  alerts: 'alerts',
  acknowledgeAlert: 'alerts',
  onAlertChanged: 'alerts',
  exportReadings: 'export',
};

/**
 * Asks the API which optional parts of the contract it serves: one
 * introspection of three types. An API that refuses introspection (AppSync
 * can disable it) is taken to serve the whole contract.
 */
export const CAPABILITIES_QUERY = /* GraphQL */ `
  query ConsoleCapabilities {
    device: __type(name: "Device") {
      fields {
        name
      }
    }
    reading: __type(name: "Reading") {
      fields {
        name
      }
    }
    query: __type(name: "Query") {
      fields {
        name
      }
    }
  }
`;
