import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type GetCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, unavailableAs } from './aws-errors';
import { ValidationError } from './errors';
import { decodeToken, encodeToken, type Page } from './pagination';

/**
 * What every store on the single table (core/shared/table.ts) does the same
 * way: send one request with the table's name, turn throttling and outages
 * into ServiceUnavailable in the store's words, page a Query into the API's
 * `Page`, check a page token, build update expressions, and leave nulls out
 * of items. The stores keep only their keys, conditions and item shapes.
 */

/** An injected document client (created once per container and shared) and the single table's name. */
export interface DynamoTableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

// Items come back untyped from DynamoDB; each store's mapper is where they get their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawItem = Record<string, any>;

/** A Query's input without the table, which the DynamoTable adds. */
export type TableQuery = Omit<QueryCommandInput, 'TableName'>;

/** Most keys one BatchWriteItem takes, and how often unprocessed ones are sent again. */
const BATCH_SIZE = 25;
const BATCH_ATTEMPTS = 5;

/** One store's view of the single table: every request goes through its guard. */
export class DynamoTable {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #guard: <T>(request: Promise<T>) => Promise<T>;

  /** `unavailable` is the message a caller sees when DynamoDB throttles or fails; it may retry. */
  constructor(options: DynamoTableOptions, unavailable: string) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#guard = unavailableAs(unavailable);
  }

  /** GetItem: the item, or undefined when there is none. */
  async get(Key: Record<string, unknown>, options: Omit<GetCommandInput, 'TableName' | 'Key'> = {}) {
    const { Item } = await this.#guard(
      this.#client.send(new GetCommand({ TableName: this.#tableName, Key, ...options })),
    );
    return Item as RawItem | undefined;
  }

  /** PutItem, with an optional condition (a failed one throws ConditionalCheckFailedException). */
  async put(Item: Record<string, unknown>, condition: Omit<PutCommandInput, 'TableName' | 'Item'> = {}) {
    await this.#guard(this.#client.send(new PutCommand({ TableName: this.#tableName, Item, ...condition })));
  }

  /** UpdateItem: the attributes it returns (per ReturnValues), or undefined. */
  async update(Key: Record<string, unknown>, update: Omit<UpdateCommandInput, 'TableName' | 'Key'>) {
    const { Attributes } = await this.#guard(
      this.#client.send(new UpdateCommand({ TableName: this.#tableName, Key, ...update })),
    );
    return Attributes as RawItem | undefined;
  }

  /** DeleteItem: what it removed when ReturnValues asks for it, else undefined. */
  async delete(Key: Record<string, unknown>, options: Omit<DeleteCommandInput, 'TableName' | 'Key'> = {}) {
    const { Attributes } = await this.#guard(
      this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key, ...options })),
    );
    return Attributes as RawItem | undefined;
  }

  /** One Query request: its items and the key to continue from. */
  async query(
    query: TableQuery,
  ): Promise<{ items: RawItem[]; lastKey: Record<string, unknown> | undefined }> {
    const { Items = [], LastEvaluatedKey } = await this.#guard(
      this.#client.send(new QueryCommand({ TableName: this.#tableName, ...query })),
    );
    return { items: Items, lastKey: LastEvaluatedKey };
  }

  /** One page of the API: a Query from `start`, its items mapped, the next token made from where it stopped. */
  async page<T>(
    query: TableQuery,
    start: Record<string, unknown> | undefined,
    map: (item: RawItem) => T,
  ): Promise<Page<T>> {
    const { items, lastKey } = await this.query({ ...query, ...(start ? { ExclusiveStartKey: start } : {}) });
    return { items: items.map(map), nextToken: encodeToken(lastKey) };
  }

  /** Every page of a Query, followed to its end (for reads bounded by their partition). */
  async *pages(query: TableQuery): AsyncIterable<RawItem[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const { items, lastKey } = await this.query({
        ...query,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      yield items;
      start = lastKey;
    } while (start);
  }

  /** Deletes the keys in batches of 25, sending unprocessed ones again a few times. */
  async deleteAll(keys: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH_SIZE) {
      let requests: Record<string, unknown>[] | undefined = keys
        .slice(i, i + BATCH_SIZE)
        .map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests && requests.length > 0 && attempt < BATCH_ATTEMPTS; attempt++) {
        const { UnprocessedItems } = await this.#guard(
          this.#client.send(new BatchWriteCommand({ RequestItems: { [this.#tableName]: requests } })),
        );
        requests = UnprocessedItems?.[this.#tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }
}

/**
 * Runs a conditional write; when its condition fails, answers what `failed`
 * makes of the error instead (a value, or a throw of the store's own error).
 * Any other failure goes up unchanged.
 */
export async function ifConditionFails<T, R>(
  write: Promise<T>,
  failed: (err: unknown) => R | Promise<R>,
): Promise<T | R> {
  try {
    return await write;
  } catch (err) {
    if (isConditionFailed(err)) return failed(err);
    throw err;
  }
}

/** Builds SET/REMOVE update expressions with placeholder names, so reserved words (name, location) are safe. */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private conditionExpression: string | undefined;

  /** SET the attribute; a null or undefined value REMOVEs it instead. */
  set(attribute: string, value: unknown): this {
    if (value === null || value === undefined) return this.remove(attribute);
    const n = this.name(attribute);
    const v = this.value(`:${attribute}`, value);
    this.sets.push(`${n} = ${v}`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  /** The write's condition, with the values it names (placeholders distinct from the attributes set). */
  condition(expression: string, values: Record<string, unknown>): this {
    this.conditionExpression = expression;
    for (const [placeholder, value] of Object.entries(values)) this.value(placeholder, value);
    return this;
  }

  /** The UpdateItem parts: expression, names, values (nulls dropped, deeply) and condition. */
  build() {
    const parts = [];
    if (this.sets.length > 0) parts.push(`SET ${this.sets.join(', ')}`);
    if (this.removes.length > 0) parts.push(`REMOVE ${this.removes.join(', ')}`);
    return {
      UpdateExpression: parts.join(' '),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length > 0
        ? { ExpressionAttributeValues: withoutNullsDeep(this.values) }
        : {}),
      ...(this.conditionExpression ? { ConditionExpression: this.conditionExpression } : {}),
    };
  }

  private name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  private value(placeholder: string, value: unknown): string {
    // Two values under one placeholder would silently write the wrong one: a bug in the caller.
    if (placeholder in this.values) throw new Error(`update value ${placeholder} is given twice`);
    this.values[placeholder] = value;
    return placeholder;
  }
}

/** The item without its null and undefined attributes: DynamoDB stores absence better than NULL. */
export function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** withoutNulls on every map at every depth, inside lists too (a list keeps its elements, nulls included). */
export function withoutNullsDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNullsDeep) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, withoutNullsDeep(v)]),
    ) as T;
  }
  return value;
}

/**
 * The named attributes of an item, each null where the item has none (DynamoDB
 * stores absence, the API answers null): how a mapper reads optional fields.
 */
export function nullsFor<K extends string>(item: RawItem, fields: readonly K[]): Record<K, RawItem[K]> {
  return Object.fromEntries(fields.map((f) => [f, item[f] ?? null])) as Record<K, RawItem[K]>;
}

export const FOREIGN_TOKEN_MESSAGE = 'is not a token this API issued; pass back nextToken unchanged';

/**
 * Decodes a page token that must be a key of exactly `attributes` (string
 * values), as the Query it continues returns; anything else was not issued
 * by this listing and is a ValidationError on `nextToken`. `belongs` narrows
 * it further (the same index partition), failing with `message`.
 */
export function decodeKey(
  token: string | null | undefined,
  attributes: readonly string[],
  belongs: (key: Record<string, string>) => boolean = () => true,
  message = FOREIGN_TOKEN_MESSAGE,
): Record<string, string> | undefined {
  const key = decodeToken<Record<string, unknown>>(token);
  if (!key) return undefined;
  const names = Object.keys(key).sort();
  const valid =
    names.length === attributes.length &&
    [...attributes].sort().every((a, i) => a === names[i] && typeof key[a] === 'string') &&
    belongs(key as Record<string, string>);
  if (!valid) throw new ValidationError({ field: 'nextToken', message });
  return key as Record<string, string>;
}
