import type { User } from '../generated/graphql';
import {
  DynamoTable,
  UpdateBuilder,
  ifConditionFails,
  type DynamoTableOptions,
} from '../shared/dynamodb-table';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { decodeToken, encodeToken, type Page } from '../shared/pagination';
import { GSI1 } from '../shared/table';
import type { StoredUser, UserChanges, UserStore } from './user-store';

/** Key values of a profile item (see core/shared/table.ts). */
export const PROFILE_SK = 'PROFILE';
export const USER_GSI1PK = 'USER';
export const profileKey = (id: string) => ({ pk: `USER#${id}`, sk: PROFILE_SK });

/** The attributes a profile item carries besides its keys; anything else in the item is ignored. */
const PROFILE_FIELDS = [
  'email',
  'name',
  'phone',
  'organization',
  'preferences',
  'notifyByEmail',
  'notifyBySms',
  'followedDeviceIds',
  'emailSubscriptionArn',
  'smsSubscriptionArn',
] as const;

/** A document client (created once per container and shared by every store) and the table's name. */
export type DynamoUserStoreOptions = DynamoTableOptions;

/** The continuation key of a gsi1 Query: the table keys plus the index keys. */
interface UsersCursor {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
}

const isUsersCursor = (value: Record<string, unknown>): value is Record<string, unknown> & UsersCursor =>
  Object.keys(value).length === 4 &&
  typeof value.pk === 'string' &&
  value.pk.startsWith('USER#') &&
  value.sk === PROFILE_SK &&
  value.gsi1pk === USER_GSI1PK &&
  typeof value.gsi1sk === 'string';

/**
 * User profiles in the shared single table: one item per profile
 * (`USER#<sub>` / `PROFILE`), listed through gsi1 (`USER` / `<sub>`) so a
 * page of profiles is one Query and never a Scan.
 */
export class DynamoUserStore implements UserStore {
  readonly #table: DynamoTable;

  constructor(options: DynamoUserStoreOptions) {
    this.#table = new DynamoTable(options, 'The profile store is busy or unavailable; try again shortly.');
  }

  async get(id: string): Promise<StoredUser | undefined> {
    // Consistent: a profile read right after its update must show the update.
    const Item = await this.#table.get(profileKey(id), { ConsistentRead: true });
    return Item ? toUser(Item) : undefined;
  }

  async create(user: User): Promise<User> {
    const item: Record<string, unknown> = {
      ...profileKey(user.id),
      gsi1pk: USER_GSI1PK,
      gsi1sk: user.id,
      id: user.id,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    };
    for (const field of PROFILE_FIELDS) {
      const value = (user as StoredUser)[field];
      if (value !== null && value !== undefined) item[field] = value;
    }
    await ifConditionFails(
      this.#table.put(item, { ConditionExpression: 'attribute_not_exists(pk)' }),
      (err) => {
        throw new ConflictError(`A profile with id ${user.id} already exists; update it instead.`, {
          cause: err,
        });
      },
    );
    return toUser(item);
  }

  async list(limit: number, nextToken?: string | null): Promise<Page<User>> {
    const start = decodeToken(nextToken);
    if (start && !isUsersCursor(start)) {
      throw new ValidationError({
        field: 'nextToken',
        message: 'is not a token from the users query; pass back the nextToken it returned, unchanged',
      });
    }
    // One more than the page: when it comes back there is a next page, and the
    // token is made from the page's last item, so the last page never ends in
    // a token that leads to an empty page.
    const { items } = await this.#table.query({
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': USER_GSI1PK },
      Limit: limit + 1,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    const pageItems = items.slice(0, limit);
    const last = pageItems[pageItems.length - 1];
    const hasMore = items.length > limit && last !== undefined;
    return {
      items: pageItems.map(toUser),
      nextToken: hasMore
        ? encodeToken({
            pk: last.pk,
            sk: last.sk,
            gsi1pk: last.gsi1pk,
            gsi1sk: last.gsi1sk,
          } satisfies UsersCursor)
        : null,
    };
  }

  async update(id: string, changes: UserChanges, updatedAt: string): Promise<StoredUser> {
    const update = new UpdateBuilder().set('updatedAt', updatedAt);
    // Absent: left as it is; null: removed.
    for (const field of PROFILE_FIELDS) if (changes[field] !== undefined) update.set(field, changes[field]);
    // Without the condition an update of a missing profile would create half a profile.
    update.condition('attribute_exists(pk)', {});
    const attributes = await ifConditionFails(
      this.#table.update(profileKey(id), { ...update.build(), ReturnValues: 'ALL_NEW' }),
      (err) => {
        throw new NotFoundError(`No profile with id ${id}.`, { cause: err });
      },
    );
    return toUser(attributes ?? {});
  }

  async updateEmail(id: string, email: string, updatedAt: string): Promise<void> {
    await ifConditionFails(
      this.#table.update(profileKey(id), {
        UpdateExpression: 'SET #email = :email, #updatedAt = :updatedAt',
        // One conditional write: no profile, or the email already right, both mean nothing to do.
        ConditionExpression: 'attribute_exists(pk) AND #email <> :email',
        ExpressionAttributeNames: { '#email': 'email', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':email': email, ':updatedAt': updatedAt },
      }),
      () => undefined,
    );
  }

  async delete(id: string): Promise<StoredUser | undefined> {
    const Attributes = await this.#table.delete(profileKey(id), { ReturnValues: 'ALL_OLD' });
    return Attributes ? toUser(Attributes) : undefined;
  }
}

const optionalString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Maps an item to the API's User (plus its subscription bookkeeping), dropping keys and anything else. */
function toUser(item: Record<string, unknown>): StoredUser {
  return {
    id: String(item.id ?? ''),
    email: String(item.email ?? ''),
    name: optionalString(item.name),
    phone: optionalString(item.phone),
    organization: optionalString(item.organization),
    preferences: optionalString(item.preferences),
    notifyByEmail: item.notifyByEmail === true,
    notifyBySms: item.notifyBySms === true,
    followedDeviceIds: Array.isArray(item.followedDeviceIds) ? item.followedDeviceIds.map(String) : [],
    ...(typeof item.emailSubscriptionArn === 'string'
      ? { emailSubscriptionArn: item.emailSubscriptionArn }
      : {}),
    ...(typeof item.smsSubscriptionArn === 'string' ? { smsSubscriptionArn: item.smsSubscriptionArn } : {}),
    createdAt: String(item.createdAt ?? ''),
    updatedAt: String(item.updatedAt ?? ''),
  };
}
