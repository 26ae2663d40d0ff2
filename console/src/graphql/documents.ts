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

/** The documents, built for what the API serves (see capabilities.ts). */
export function documents(caps: Capabilities) {
  const device = deviceFields(caps);
  return {
    devices: /* GraphQL */ `
      query Devices($limit: Int, $nextToken: String) {
        devices(limit: $limit, nextToken: $nextToken) {
          items { ${device} }
          nextToken
        }
      }`,
    device: /* GraphQL */ `
      query Device($id: ID!) {
        device(id: $id) { ${device} }
      }`,
    latestReadings: /* GraphQL */ `
      query LatestReadings($deviceId: ID!) {
        latestReadings(deviceId: $deviceId) {
          deviceId
          sensor
          time
          value
          raw
          unit
          outOfRange
          configVersion
          ${QC_FIELDS(caps)}
        }
      }`,
    readings: /* GraphQL */ `
      query Readings(
        $deviceId: ID!
        $sensor: String!
        $from: AWSDateTime!
        $to: AWSDateTime!
        $interval: String
        $limit: Int
        $nextToken: String
      ) {
        readings(
          deviceId: $deviceId
          sensor: $sensor
          from: $from
          to: $to
          interval: $interval
          limit: $limit
          nextToken: $nextToken
        ) {
          items {
            time
            value
            raw
            outOfRange
            avg
            min
            max
            count
            ${QC_POINT_FIELDS(caps)}
          }
          nextToken
        }
      }`,
    exportReadings: /* GraphQL */ `
      query ExportReadings($deviceId: ID!, $sensors: [String!], $from: AWSDateTime!, $to: AWSDateTime!) {
        exportReadings(deviceId: $deviceId, sensors: $sensors, from: $from, to: $to, format: CSV) {
          url
          expiresAt
          rows
        }
      }
    `,
    configHistory: /* GraphQL */ `
      query DeviceConfigHistory($deviceId: ID!, $limit: Int, $nextToken: String) {
        deviceConfigHistory(deviceId: $deviceId, limit: $limit, nextToken: $nextToken) {
          items {
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
          }
          nextToken
        }
      }
    `,
    alerts: /* GraphQL */ `
      query Alerts($deviceId: ID, $state: AlertState, $limit: Int, $nextToken: String) {
        alerts(deviceId: $deviceId, state: $state, limit: $limit, nextToken: $nextToken) {
          items { ${ALERT_FIELDS} }
          nextToken
        }
      }`,
    rejectedMessages: /* GraphQL */ `
      query RejectedMessages($deviceId: ID, $limit: Int, $nextToken: String) {
        rejectedMessages(deviceId: $deviceId, limit: $limit, nextToken: $nextToken) {
          items {
            id
            deviceId
            topic
            payload
            payloadEncoding
            reason
            receivedAt
            replayCount
            lastReplayedAt
          }
          nextToken
        }
      }
    `,
    userAccounts: /* GraphQL */ `
      query UserAccounts($limit: Int, $nextToken: String) {
        userAccounts(limit: $limit, nextToken: $nextToken) {
          items { ${ACCOUNT_FIELDS} }
          nextToken
        }
      }
    `,
    createDevice: /* GraphQL */ `
      mutation CreateDevice($input: CreateDeviceInput!) {
        createDevice(input: $input) { ${device} }
      }`,
    updateDevice: /* GraphQL */ `
      mutation UpdateDevice($input: UpdateDeviceInput!) {
        updateDevice(input: $input) { ${device} }
      }`,
    deleteDevice: /* GraphQL */ `
      mutation DeleteDevice($id: ID!) {
        deleteDevice(id: $id) { ${device} }
      }`,
    rollbackDeviceConfig: /* GraphQL */ `
      mutation RollbackDeviceConfig($deviceId: ID!, $version: Int!) {
        rollbackDeviceConfig(deviceId: $deviceId, version: $version) { ${device} }
      }`,
    acknowledgeAlert: /* GraphQL */ `
      mutation AcknowledgeAlert($id: ID!, $note: String) {
        acknowledgeAlert(id: $id, note: $note) { ${ALERT_FIELDS} }
      }`,
    replayRejectedMessage: /* GraphQL */ `
      mutation ReplayRejectedMessage($id: ID!) {
        replayRejectedMessage(id: $id) {
          accepted
          reason
          message {
            id
            replayCount
            lastReplayedAt
          }
        }
      }
    `,
    addUserAccount: /* GraphQL */ `
      mutation AddUserAccount($input: AddUserAccountInput!) {
        addUserAccount(input: $input) { ${ACCOUNT_FIELDS} }
      }
    `,
    updateUserAccount: /* GraphQL */ `
      mutation UpdateUserAccount($input: UpdateUserAccountInput!) {
        updateUserAccount(input: $input) { ${ACCOUNT_FIELDS} }
      }
    `,
    deleteUserAccount: /* GraphQL */ `
      mutation DeleteUserAccount($username: ID!) {
        deleteUserAccount(username: $username) {
          username
        }
      }
    `,
    onDeviceConfigChanged: /* GraphQL */ `
      subscription OnDeviceConfigChanged($deviceId: ID) {
        onDeviceConfigChanged(deviceId: $deviceId) { ${device} }
      }`,
    onAlertChanged: /* GraphQL */ `
      subscription OnAlertChanged($deviceId: ID) {
        onAlertChanged(deviceId: $deviceId) { ${ALERT_FIELDS} }
      }`,
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
