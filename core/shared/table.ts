/**
 * The one DynamoDB table that devices, config history, user profiles and
 * rejected messages share (single-table design; docs/ARCHITECTURE.md says why).
 * infra/ and local/ both create it from this definition, so the key schema
 * and indexes the code queries exist in exactly one place.
 *
 * | item             | pk                  | sk               | gsi1pk / gsi1sk          | gsi2pk / gsi2sk                  |
 * | device           | DEVICE#<id>         | META             | DEVICE / <id>            | UNDELIVERED / <id> (sparse)      |
 * | config version   | DEVICE#<id>         | CONFIG#<v:010d>  |                          |                                  |
 * | user profile     | USER#<sub>          | PROFILE          | USER / <sub>             |                                  |
 * | rejected message | REJECTED#<id>       | META             | REJECTED / <at>#<id>     | REJECTED#<deviceId> / <at>#<id>  |
 * | calibration log  | CALLOG#<deviceId>   | <at>#<id>        | CALLOG#<deviceId>#<sensorId> / <at>#<id> (one sensor's) |  |
 * | alert            | ALERT#<id>          | META             | ALERT / <openedAt>#<id>  | ALERT#<deviceId> / <openedAt>#<id> |
 *
 * gsi3 is the silence watch: a device that reports and has silence alerts on
 * carries gsi3pk SILENCE / gsi3sk <deadline ISO>#<id> (sparse), written with
 * its lastSeenAt, so the silence check is one Query of the expired deadlines.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

/** Global secondary indexes; both project ALL attributes. */
export const TABLE_INDEXES: readonly IndexDefinition[] = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
];

export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';
export const GSI3 = 'gsi3';
/** gsi3pk of a device whose silence deadline is watched. */
export const SILENCE_WATCH = 'SILENCE';

/** Name of the table for a stage, as CONTRACT.md section 4 prefixes every resource. */
export const tableNameFor = (stage: string): string => `yvr-${stage}-data`;
