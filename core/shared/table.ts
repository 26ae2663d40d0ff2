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
];

export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

/** Name of the table for a stage, as CONTRACT.md section 4 prefixes every resource. */
export const tableNameFor = (stage: string): string => `yvr-${stage}-data`;
