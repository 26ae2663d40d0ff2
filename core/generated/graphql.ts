export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  AWSDate: { input: string; output: string; }
  AWSDateTime: { input: string; output: string; }
  AWSEmail: { input: string; output: string; }
  AWSIPAddress: { input: string; output: string; }
  AWSJSON: { input: string; output: string; }
  AWSPhone: { input: string; output: string; }
  AWSTime: { input: string; output: string; }
  AWSTimestamp: { input: number; output: number; }
  AWSURL: { input: string; output: string; }
};

export type AddUserAccountInput = {
  email: Scalars['AWSEmail']['input'];
  /** Given: set as the permanent password. Omitted: Cognito issues a temporary one. */
  password?: InputMaybe<Scalars['String']['input']>;
  role: Role;
};

/** One episode of a breach or a silence: opened once, acknowledged by a person, resolved when it is over. */
export type Alert = {
  acknowledgedAt: Maybe<Scalars['AWSDateTime']['output']>;
  acknowledgedBy: Maybe<Scalars['String']['output']>;
  deviceId: Scalars['ID']['output'];
  id: Scalars['ID']['output'];
  kind: AlertKind;
  lastValue: Maybe<Scalars['Float']['output']>;
  note: Maybe<Scalars['String']['output']>;
  /** Time of the first reading of the breach (or the silence deadline). */
  openedAt: Scalars['AWSDateTime']['output'];
  resolvedAt: Maybe<Scalars['AWSDateTime']['output']>;
  /** The sensor id; null for a silence alert. */
  sensor: Maybe<Scalars['String']['output']>;
  state: AlertState;
  /** The limit that was crossed (max for HIGH, min for LOW; for SILENT the silence in seconds). */
  threshold: Maybe<Scalars['Float']['output']>;
  updatedAt: Scalars['AWSDateTime']['output'];
  /** The value farthest beyond the limit during the episode. */
  worstValue: Maybe<Scalars['Float']['output']>;
};

export type AlertConnection = {
  items: Array<Alert>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type AlertKind =
  /** Above the sensor's max. */
  | 'HIGH'
  /** Below the sensor's min. */
  | 'LOW'
  /** No reading for silenceAfterIntervals sensor intervals. */
  | 'SILENT';

/** When a sensor's limits (min, max) raise an alert; the rule travels with the device config. */
export type AlertRule = {
  /** Optionally, the breach must also have lasted this many minutes since its first reading (null = readings only). */
  afterMinutes: Maybe<Scalars['Int']['output']>;
  /** A breach opens an alert once it has lasted this many consecutive readings (default 1). */
  afterReadings: Scalars['Int']['output'];
  /** An alert closes once the value is back inside the limits by at least this much (default 0). */
  deadband: Scalars['Float']['output'];
};

export type AlertRuleInput = {
  afterMinutes?: InputMaybe<Scalars['Int']['input']>;
  afterReadings?: InputMaybe<Scalars['Int']['input']>;
  deadband?: InputMaybe<Scalars['Float']['input']>;
};

export type AlertState =
  | 'ACKNOWLEDGED'
  | 'OPEN'
  | 'RESOLVED';

export type Calibration = {
  calibratedAt: Maybe<Scalars['AWSDateTime']['output']>;
  /** Two or more points, sorted by raw value: a piecewise-linear map from raw to actual. */
  points: Array<CalibrationPoint>;
};

export type CalibrationInput = {
  calibratedAt?: InputMaybe<Scalars['AWSDateTime']['input']>;
  points: Array<CalibrationPointInput>;
};

export type CalibrationLogConnection = {
  items: Array<CalibrationLogEntry>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type CalibrationLogEntry = {
  after: Maybe<Calibration>;
  at: Scalars['AWSDateTime']['output'];
  /** CALIBRATION: the points before and after. */
  before: Maybe<Calibration>;
  by: Maybe<Scalars['String']['output']>;
  changed: Maybe<Scalars['Int']['output']>;
  /** CALIBRATION: the config version that made the change; RECALIBRATION: the version whose calibration was applied. */
  configVersion: Maybe<Scalars['Int']['output']>;
  deviceId: Scalars['ID']['output'];
  /** Mean of measured - reference over the reference readings. */
  drift: Maybe<Scalars['Float']['output']>;
  /** RECALIBRATION: the range, and how many readings were read and changed. */
  from: Maybe<Scalars['AWSDateTime']['output']>;
  id: Scalars['ID']['output'];
  kind: CalibrationLogKind;
  maintenanceKind: Maybe<MaintenanceKind>;
  note: Maybe<Scalars['String']['output']>;
  references: Maybe<Array<ReferenceReading>>;
  scanned: Maybe<Scalars['Int']['output']>;
  /** Null for an entry about the whole station. */
  sensorId: Maybe<Scalars['ID']['output']>;
  to: Maybe<Scalars['AWSDateTime']['output']>;
};

export type CalibrationLogKind =
  /** A config change that changed a sensor's calibration points. */
  | 'CALIBRATION'
  /** A maintenance note: cleaning, replacement or check (see maintenanceKind). */
  | 'MAINTENANCE'
  /** A recalibrateReadings run. */
  | 'RECALIBRATION';

export type CalibrationPoint = {
  actual: Scalars['Float']['output'];
  raw: Scalars['Float']['output'];
};

export type CalibrationPointInput = {
  actual: Scalars['Float']['input'];
  raw: Scalars['Float']['input'];
};

export type ConfigChange = {
  from: Maybe<Scalars['AWSJSON']['output']>;
  /** Dotted path of the changed field, e.g. `sensors.ph.enabled`. */
  path: Scalars['String']['output'];
  to: Maybe<Scalars['AWSJSON']['output']>;
};

export type ConfigDelivery = {
  attemptedAt: Scalars['AWSDateTime']['output'];
  /** Why the last publish failed, when it did. */
  error: Maybe<Scalars['String']['output']>;
  status: DeliveryStatus;
  /** The configVersion that the last publish attempt carried. */
  version: Scalars['Int']['output'];
};

export type ConfigStatus =
  /** The device acknowledged and applied the desired configVersion. */
  | 'APPLIED'
  /** The desired configVersion has not been acknowledged by the device yet. */
  | 'PENDING'
  /** The device refused the desired configVersion; see configRejectedReason. */
  | 'REJECTED';

export type CreateDeviceInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  id: Scalars['ID']['input'];
  location?: InputMaybe<LocationInput>;
  name: Scalars['String']['input'];
  sensorIntervalMs?: InputMaybe<Scalars['Int']['input']>;
  sensors?: InputMaybe<Array<SensorInput>>;
  /** Default 3; 0 turns silence alerts off. */
  silenceAfterIntervals?: InputMaybe<Scalars['Int']['input']>;
};

export type CreateUserInput = {
  email: Scalars['AWSEmail']['input'];
  followedDeviceIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  notifyByEmail?: InputMaybe<Scalars['Boolean']['input']>;
  notifyBySms?: InputMaybe<Scalars['Boolean']['input']>;
  organization?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['String']['input']>;
  preferences?: InputMaybe<Scalars['AWSJSON']['input']>;
};

export type DeliveryStatus =
  /** The desired config was published (retained) to the device's topics. */
  | 'DELIVERED'
  /** The last publish failed; reconciliation or republishDeviceConfig re-sends it. */
  | 'UNDELIVERED';

export type Device = {
  /** The device's reason when configStatus is REJECTED. */
  configRejectedReason: Maybe<Scalars['String']['output']>;
  configStatus: ConfigStatus;
  /** Desired configuration version; every change that the device must apply bumps it. */
  configVersion: Scalars['Int']['output'];
  createdAt: Scalars['AWSDateTime']['output'];
  /** Set only on the event that deleteDevice sends to subscribers. */
  deletedAt: Maybe<Scalars['AWSDateTime']['output']>;
  delivery: Maybe<ConfigDelivery>;
  description: Maybe<Scalars['String']['output']>;
  enabled: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  lastSeenAt: Maybe<Scalars['AWSDateTime']['output']>;
  location: Maybe<Location>;
  name: Scalars['String']['output'];
  /** Alerts of this device that are OPEN or ACKNOWLEDGED. */
  openAlerts: Scalars['Int']['output'];
  /** The last configVersion the device acknowledged (applied or rejected). */
  reportedConfigVersion: Maybe<Scalars['Int']['output']>;
  sensorIntervalMs: Scalars['Int']['output'];
  sensors: Array<Sensor>;
  /** A silence alert opens when no reading arrives for this many sensor intervals (0 = never; default 3). */
  silenceAfterIntervals: Scalars['Int']['output'];
  updatedAt: Scalars['AWSDateTime']['output'];
  updatedBy: Maybe<Scalars['String']['output']>;
};

export type DeviceConfigVersion = {
  /** The mutation that made it: createDevice, updateDevice, deleteSensor, rollbackDeviceConfig, ... */
  change: Scalars['String']['output'];
  changedAt: Scalars['AWSDateTime']['output'];
  changedBy: Maybe<Scalars['String']['output']>;
  /** The full desired config of this version, as published on devices/{id}/config. */
  config: Scalars['AWSJSON']['output'];
  deviceId: Scalars['ID']['output'];
  diff: Array<ConfigChange>;
  version: Scalars['Int']['output'];
};

export type DeviceConfigVersionConnection = {
  items: Array<DeviceConfigVersion>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type DeviceConnection = {
  items: Array<Device>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/** File format of exportReadings: CSV (header row, one row per reading) or NDJSON (one JSON object per line). */
export type ExportFormat =
  | 'CSV'
  | 'NDJSON';

export type Location = {
  latitude: Scalars['Float']['output'];
  longitude: Scalars['Float']['output'];
};

export type LocationInput = {
  latitude: Scalars['Float']['input'];
  longitude: Scalars['Float']['input'];
};

export type MaintenanceKind =
  | 'CHECK'
  | 'CLEANING'
  | 'REPLACEMENT';

export type Mutation = {
  /** OPEN -> ACKNOWLEDGED, with who and an optional note. */
  acknowledgeAlert: Alert;
  /** Records a cleaning, a replacement or a check, optionally with the reference readings taken. */
  addMaintenanceNote: CalibrationLogEntry;
  addUserAccount: UserAccount;
  createDevice: Device;
  createUser: User;
  deleteDevice: Maybe<Device>;
  deleteSensor: Device;
  deleteUser: Maybe<User>;
  deleteUserAccount: Maybe<UserAccount>;
  /** Backend only: tells onAlertChanged subscribers that an alert opened, changed or resolved. */
  notifyAlertChanged: Maybe<Alert>;
  /** Backend only: tells subscribers that a device changed outside a mutation (a config acknowledgement). */
  notifyDeviceConfigChanged: Maybe<Device>;
  /** Recomputes stored values in [from, to) from their raw values with the calibration of config `version` (default: current). */
  recalibrateReadings: RecalibrationResult;
  replayRejectedMessage: ReplayResult;
  /** Re-sends the desired config of a device whose last publish failed (harmless when it did not). */
  republishDeviceConfig: Device;
  /** Re-issues the config of an earlier version as a new version. */
  rollbackDeviceConfig: Device;
  updateDevice: Device;
  updateUser: User;
  updateUserAccount: UserAccount;
};


export type MutationAcknowledgeAlertArgs = {
  id: Scalars['ID']['input'];
  note: InputMaybe<Scalars['String']['input']>;
};


export type MutationAddMaintenanceNoteArgs = {
  deviceId: Scalars['ID']['input'];
  kind: MaintenanceKind;
  note: InputMaybe<Scalars['String']['input']>;
  references: InputMaybe<Array<ReferenceReadingInput>>;
  sensorId: InputMaybe<Scalars['ID']['input']>;
};


export type MutationAddUserAccountArgs = {
  input: AddUserAccountInput;
};


export type MutationCreateDeviceArgs = {
  input: CreateDeviceInput;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationDeleteDeviceArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteSensorArgs = {
  deviceId: Scalars['ID']['input'];
  sensorId: Scalars['ID']['input'];
};


export type MutationDeleteUserArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteUserAccountArgs = {
  username: Scalars['ID']['input'];
};


export type MutationNotifyAlertChangedArgs = {
  id: Scalars['ID']['input'];
};


export type MutationNotifyDeviceConfigChangedArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRecalibrateReadingsArgs = {
  deviceId: Scalars['ID']['input'];
  from: Scalars['AWSDateTime']['input'];
  sensorId: Scalars['ID']['input'];
  to: Scalars['AWSDateTime']['input'];
  version: InputMaybe<Scalars['Int']['input']>;
};


export type MutationReplayRejectedMessageArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRepublishDeviceConfigArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRollbackDeviceConfigArgs = {
  deviceId: Scalars['ID']['input'];
  version: Scalars['Int']['input'];
};


export type MutationUpdateDeviceArgs = {
  input: UpdateDeviceInput;
};


export type MutationUpdateUserArgs = {
  input: UpdateUserInput;
};


export type MutationUpdateUserAccountArgs = {
  input: UpdateUserAccountInput;
};

/** A seasonal span of the climatology test: months fromMonth..toMonth (1-12, may wrap over the new year). */
export type QcSeasonalSpan = {
  fromMonth: Scalars['Int']['output'];
  max: Scalars['Float']['output'];
  min: Scalars['Float']['output'];
  toMonth: Scalars['Int']['output'];
};

export type QcSeasonalSpanInput = {
  fromMonth: Scalars['Int']['input'];
  max: Scalars['Float']['input'];
  min: Scalars['Float']['input'];
  toMonth: Scalars['Int']['input'];
};

export type Query = {
  /** Alerts newest first; deviceId and state narrow the list. */
  alerts: AlertConnection;
  /** Calibration changes, maintenance notes and recalibration runs, newest first. */
  calibrationLog: CalibrationLogConnection;
  device: Maybe<Device>;
  deviceConfigHistory: DeviceConfigVersionConnection;
  devices: DeviceConnection;
  /** Every reading of the device's sensors (or the given ones) in [from, to) as a file; at most 366 days. */
  exportReadings: ReadingExport;
  latestReadings: Array<Reading>;
  me: Maybe<User>;
  readings: ReadingConnection;
  rejectedMessages: RejectedMessageConnection;
  user: Maybe<User>;
  userAccounts: UserAccountConnection;
  userRole: Maybe<UserAccount>;
  users: UserConnection;
};


export type QueryAlertsArgs = {
  deviceId: InputMaybe<Scalars['ID']['input']>;
  limit: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
  state: InputMaybe<AlertState>;
};


export type QueryCalibrationLogArgs = {
  deviceId: Scalars['ID']['input'];
  limit: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
  sensorId: InputMaybe<Scalars['ID']['input']>;
};


export type QueryDeviceArgs = {
  id: Scalars['ID']['input'];
};


export type QueryDeviceConfigHistoryArgs = {
  deviceId: Scalars['ID']['input'];
  limit: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
};


export type QueryDevicesArgs = {
  limit: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
};


export type QueryExportReadingsArgs = {
  deviceId: Scalars['ID']['input'];
  format: InputMaybe<ExportFormat>;
  from: Scalars['AWSDateTime']['input'];
  sensors: InputMaybe<Array<Scalars['String']['input']>>;
  to: Scalars['AWSDateTime']['input'];
};


export type QueryLatestReadingsArgs = {
  deviceId: Scalars['ID']['input'];
};


export type QueryReadingsArgs = {
  deviceId: Scalars['ID']['input'];
  from: Scalars['AWSDateTime']['input'];
  interval: InputMaybe<Scalars['String']['input']>;
  limit: InputMaybe<Scalars['Int']['input']>;
  minQuality: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
  sensor: Scalars['String']['input'];
  to: Scalars['AWSDateTime']['input'];
};


export type QueryRejectedMessagesArgs = {
  deviceId: InputMaybe<Scalars['ID']['input']>;
  limit: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


export type QueryUserAccountsArgs = {
  limit: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
};


export type QueryUserRoleArgs = {
  email: Scalars['AWSEmail']['input'];
};


export type QueryUsersArgs = {
  limit: InputMaybe<Scalars['Int']['input']>;
  nextToken: InputMaybe<Scalars['String']['input']>;
};

export type Reading = {
  /** The device configVersion whose calibration produced value. */
  configVersion: Maybe<Scalars['Int']['output']>;
  deviceId: Scalars['ID']['output'];
  outOfRange: Scalars['Boolean']['output'];
  /** QARTOD aggregate flag: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing (docs/QUALITY.md). */
  qcFlag: Scalars['Int']['output'];
  /** Names of the tests that flagged it suspect or fail (gross_range, climatology, spike, rate_of_change, flat_line). */
  qcTests: Array<Scalars['String']['output']>;
  raw: Scalars['Float']['output'];
  sensor: Scalars['String']['output'];
  time: Scalars['AWSDateTime']['output'];
  unit: Maybe<Scalars['String']['output']>;
  /** Calibrated value. */
  value: Scalars['Float']['output'];
};

export type ReadingConnection = {
  items: Array<ReadingPoint>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/** An export of readings: a private file behind a link that expires. */
export type ReadingExport = {
  /** When the link stops working. */
  expiresAt: Scalars['AWSDateTime']['output'];
  format: ExportFormat;
  /** Readings in the file (the CSV header row not counted). */
  rows: Scalars['Int']['output'];
  /** Download link: an S3 presigned URL in AWS, a signed link to the local server locally. */
  url: Scalars['AWSURL']['output'];
};

/** A raw point (time, value, raw, outOfRange, qcFlag, qcTests) or, when `interval` is given, a bucket (time, avg, min, max, count, excluded). */
export type ReadingPoint = {
  avg: Maybe<Scalars['Float']['output']>;
  count: Maybe<Scalars['Int']['output']>;
  /** A bucket's values left out of avg/min/max/count because their qcFlag is worse than minQuality. */
  excluded: Maybe<Scalars['Int']['output']>;
  max: Maybe<Scalars['Float']['output']>;
  min: Maybe<Scalars['Float']['output']>;
  outOfRange: Maybe<Scalars['Boolean']['output']>;
  /** A raw point's QARTOD flag (1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing). */
  qcFlag: Maybe<Scalars['Int']['output']>;
  /** A raw point's tests that flagged it. */
  qcTests: Maybe<Array<Scalars['String']['output']>>;
  raw: Maybe<Scalars['Float']['output']>;
  time: Scalars['AWSDateTime']['output'];
  value: Maybe<Scalars['Float']['output']>;
};

export type RecalibrationResult = {
  /** Readings whose stored value, range flag or QC flag changed (a new version of their record was written). */
  changed: Scalars['Int']['output'];
  /** False when the run stopped at its time budget; call again with from = resumeFrom. */
  complete: Scalars['Boolean']['output'];
  deviceId: Scalars['ID']['output'];
  /** The calibration log entry of the run. */
  logEntryId: Scalars['ID']['output'];
  resumeFrom: Maybe<Scalars['AWSDateTime']['output']>;
  /** Readings read from the store. */
  scanned: Scalars['Int']['output'];
  sensorId: Scalars['ID']['output'];
  /** The config version whose calibration was applied. */
  version: Scalars['Int']['output'];
};

/** One reference reading taken at a visit: what the reference (standard, lab sample) said and what the sensor said. */
export type ReferenceReading = {
  measured: Scalars['Float']['output'];
  reference: Scalars['Float']['output'];
};

export type ReferenceReadingInput = {
  measured: Scalars['Float']['input'];
  reference: Scalars['Float']['input'];
};

export type RejectedMessage = {
  /** Null when the topic names no device. */
  deviceId: Maybe<Scalars['ID']['output']>;
  id: Scalars['ID']['output'];
  lastReplayedAt: Maybe<Scalars['AWSDateTime']['output']>;
  /** The original payload: UTF-8 text, or base64 when payloadEncoding is base64. */
  payload: Scalars['String']['output'];
  payloadEncoding: Scalars['String']['output'];
  reason: Scalars['String']['output'];
  receivedAt: Scalars['AWSDateTime']['output'];
  replayCount: Scalars['Int']['output'];
  topic: Scalars['String']['output'];
};

export type RejectedMessageConnection = {
  items: Array<RejectedMessage>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type ReplayResult = {
  /** True when the message was accepted this time and removed from the rejected list. */
  accepted: Scalars['Boolean']['output'];
  message: RejectedMessage;
  /** Why it was rejected again, when it was. */
  reason: Maybe<Scalars['String']['output']>;
};

export type Role =
  | 'ADMIN'
  | 'USER';

export type Sensor = {
  /** Alert rule of this sensor's limits (used while alertsEnabled is true); docs/ALERTS.md. */
  alert: AlertRule;
  alertsEnabled: Scalars['Boolean']['output'];
  calibration: Maybe<Calibration>;
  /** Decimals that calibrated values are rounded to (default 2). */
  decimals: Scalars['Int']['output'];
  enabled: Scalars['Boolean']['output'];
  /** The sensor's key in MQTT payloads and topics, e.g. `ph`. */
  id: Scalars['ID']['output'];
  max: Maybe<Scalars['Float']['output']>;
  /** One of ch4, co2, cond, do, flw, lvl, ph, tmp, tds, tbd, or a new one. */
  measurement: Scalars['String']['output'];
  min: Maybe<Scalars['Float']['output']>;
  /** QARTOD thresholds set for this sensor; what is left out takes the measurement's defaults (docs/QUALITY.md). */
  qc: Maybe<SensorQc>;
  unit: Maybe<Scalars['String']['output']>;
};

export type SensorInput = {
  alert?: InputMaybe<AlertRuleInput>;
  alertsEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  calibration?: InputMaybe<CalibrationInput>;
  decimals?: InputMaybe<Scalars['Int']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  id: Scalars['ID']['input'];
  max?: InputMaybe<Scalars['Float']['input']>;
  measurement: Scalars['String']['input'];
  min?: InputMaybe<Scalars['Float']['input']>;
  qc?: InputMaybe<SensorQcInput>;
  unit?: InputMaybe<Scalars['String']['input']>;
};

/** QARTOD test thresholds of one sensor, in the sensor's calibrated unit. Null fields take the measurement's defaults. */
export type SensorQc = {
  /** Climatology: a value outside the span of its season is suspect (3). */
  climatology: Maybe<Array<QcSeasonalSpan>>;
  /** False switches every test off: readings are stored with qcFlag 2 (not evaluated). */
  enabled: Maybe<Scalars['Boolean']['output']>;
  flatLineFailCount: Maybe<Scalars['Int']['output']>;
  flatLineSuspectCount: Maybe<Scalars['Int']['output']>;
  /** Flat line: this many consecutive values within flatLineTolerance of the newest are suspect / fail. */
  flatLineTolerance: Maybe<Scalars['Float']['output']>;
  /** Rate of change: |V(n) - V(n-1)| above this many standard deviations of the last rateOfChangeWindowHours is suspect. */
  rateOfChangeDeviations: Maybe<Scalars['Float']['output']>;
  rateOfChangeWindowHours: Maybe<Scalars['Float']['output']>;
  sensorMax: Maybe<Scalars['Float']['output']>;
  /** Gross range, the instrument's span: a value outside it fails (4). */
  sensorMin: Maybe<Scalars['Float']['output']>;
  spikeFail: Maybe<Scalars['Float']['output']>;
  /** Spike: |V(n-1) - (V(n) + V(n-2)) / 2| above spikeSuspect is suspect, above spikeFail fails. */
  spikeSuspect: Maybe<Scalars['Float']['output']>;
  userMax: Maybe<Scalars['Float']['output']>;
  /** Gross range, the operator's span: a value outside it is suspect (3). */
  userMin: Maybe<Scalars['Float']['output']>;
};

/** Overrides of the QARTOD thresholds of a sensor (see SensorQc); null or absent fields take the defaults. */
export type SensorQcInput = {
  climatology?: InputMaybe<Array<QcSeasonalSpanInput>>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  flatLineFailCount?: InputMaybe<Scalars['Int']['input']>;
  flatLineSuspectCount?: InputMaybe<Scalars['Int']['input']>;
  flatLineTolerance?: InputMaybe<Scalars['Float']['input']>;
  rateOfChangeDeviations?: InputMaybe<Scalars['Float']['input']>;
  rateOfChangeWindowHours?: InputMaybe<Scalars['Float']['input']>;
  sensorMax?: InputMaybe<Scalars['Float']['input']>;
  sensorMin?: InputMaybe<Scalars['Float']['input']>;
  spikeFail?: InputMaybe<Scalars['Float']['input']>;
  spikeSuspect?: InputMaybe<Scalars['Float']['input']>;
  userMax?: InputMaybe<Scalars['Float']['input']>;
  userMin?: InputMaybe<Scalars['Float']['input']>;
};

export type Subscription = {
  /** Every alert that opens, is acknowledged or resolves; a deviceId narrows it to one device. */
  onAlertChanged: Maybe<Alert>;
  /** Every device change (mutations and device acknowledgements); a deviceId narrows it to one device. */
  onDeviceConfigChanged: Maybe<Device>;
};


export type SubscriptionOnAlertChangedArgs = {
  deviceId: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionOnDeviceConfigChangedArgs = {
  deviceId: InputMaybe<Scalars['ID']['input']>;
};

/** Only the fields to change; `sensors`, when given, replaces the whole list. */
export type UpdateDeviceInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Optimistic lock: the update fails with Conflict unless configVersion still equals it. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  location?: InputMaybe<LocationInput>;
  name?: InputMaybe<Scalars['String']['input']>;
  sensorIntervalMs?: InputMaybe<Scalars['Int']['input']>;
  sensors?: InputMaybe<Array<SensorInput>>;
  silenceAfterIntervals?: InputMaybe<Scalars['Int']['input']>;
};

export type UpdateUserAccountInput = {
  email?: InputMaybe<Scalars['AWSEmail']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Set as the account's permanent password. */
  password?: InputMaybe<Scalars['String']['input']>;
  role?: InputMaybe<Role>;
  username: Scalars['ID']['input'];
};

export type UpdateUserInput = {
  email?: InputMaybe<Scalars['AWSEmail']['input']>;
  followedDeviceIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  notifyByEmail?: InputMaybe<Scalars['Boolean']['input']>;
  notifyBySms?: InputMaybe<Scalars['Boolean']['input']>;
  organization?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['String']['input']>;
  preferences?: InputMaybe<Scalars['AWSJSON']['input']>;
};

export type User = {
  createdAt: Scalars['AWSDateTime']['output'];
  email: Scalars['AWSEmail']['output'];
  /** Stations whose alerts this user receives; empty = every station. */
  followedDeviceIds: Array<Scalars['ID']['output']>;
  /** The Cognito `sub` of the account the profile belongs to. */
  id: Scalars['ID']['output'];
  name: Maybe<Scalars['String']['output']>;
  /** Alert notifications by email (to the profile's email). */
  notifyByEmail: Scalars['Boolean']['output'];
  /** Alert notifications by SMS (to phone, which must then be E.164, e.g. +16045550123). */
  notifyBySms: Scalars['Boolean']['output'];
  organization: Maybe<Scalars['String']['output']>;
  phone: Maybe<Scalars['String']['output']>;
  preferences: Maybe<Scalars['AWSJSON']['output']>;
  updatedAt: Scalars['AWSDateTime']['output'];
};

export type UserAccount = {
  createdAt: Scalars['AWSDateTime']['output'];
  email: Scalars['AWSEmail']['output'];
  enabled: Scalars['Boolean']['output'];
  role: Maybe<Role>;
  /** Cognito status: CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, ... */
  status: Scalars['String']['output'];
  updatedAt: Maybe<Scalars['AWSDateTime']['output']>;
  /** Cognito username (the account's `sub` in a pool that signs in by email). */
  username: Scalars['ID']['output'];
};

export type UserAccountConnection = {
  items: Array<UserAccount>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type UserConnection = {
  items: Array<User>;
  nextToken: Maybe<Scalars['String']['output']>;
};
