import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsErrorName, isTransientAwsError } from '../shared/aws-errors';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors';
import {
  MAX_ACCOUNT_PAGE,
  type Account,
  type AccountDirectory,
  type AccountGroup,
  type AccountPage,
  type NewAccount,
} from './account-directory';
import { PASSWORD_POLICY_TEXT } from './password-policy';

export interface CognitoAccountDirectoryOptions {
  /** Created once per container (or pointed at cognito-local) and injected. */
  client: CognitoIdentityProviderClient;
  userPoolId: string;
}

/** Cognito's ceiling for ListUsers, ListUsersInGroup and AdminListGroupsForUser pages. */
const COGNITO_MAX_PAGE = MAX_ACCOUNT_PAGE;

/**
 * Tokens this adapter issues itself, only when the directory ignored `Limit`
 * and returned more than a page (cognito-local does; Cognito never does).
 * Real Cognito tokens are passed through untouched.
 */
const OFFSET_TOKEN_PREFIX = 'offset:';

const GROUPS: readonly AccountGroup[] = ['admin', 'user'];

/** What the failed call was about, so a mapped error can name it. */
interface CallContext {
  username?: string;
  /** The API argument a refused token or value came from, e.g. `nextToken`. */
  field?: string;
}

/**
 * The AccountDirectory on a Cognito user pool that signs in by email: the
 * Cognito username is the account's `sub`, the email is an alias Cognito
 * also accepts as a username.
 */
export class CognitoAccountDirectory implements AccountDirectory {
  readonly #client: CognitoIdentityProviderClient;
  readonly #userPoolId: string;

  constructor(options: CognitoAccountDirectoryOptions) {
    this.#client = options.client;
    this.#userPoolId = options.userPoolId;
  }

  async list(limit: number, nextToken?: string | null): Promise<AccountPage> {
    const offset = parseOffsetToken(nextToken);
    const paginationToken = offset === undefined && nextToken ? nextToken : undefined;
    const response = await this.#call(
      () =>
        this.#client.send(
          new ListUsersCommand({
            UserPoolId: this.#userPoolId,
            Limit: limit,
            ...(paginationToken ? { PaginationToken: paginationToken } : {}),
          }),
        ),
      { field: 'nextToken' },
    );
    const users = response.Users ?? [];
    const skip = offset ?? 0;
    if (users.length > limit || skip > 0) {
      // The directory ignored Limit/PaginationToken (an emulator): page it here.
      const page = users.slice(skip, skip + limit);
      return {
        accounts: page.map(toAccount),
        nextToken: skip + limit < users.length ? `${OFFSET_TOKEN_PREFIX}${skip + limit}` : null,
      };
    }
    return { accounts: users.map(toAccount), nextToken: response.PaginationToken ?? null };
  }

  async get(username: string): Promise<Account | undefined> {
    try {
      const user = await this.#forUser(username, (ids) => this.#client.send(new AdminGetUserCommand(ids)));
      return toAccount({
        Username: user.Username,
        Attributes: user.UserAttributes,
        UserStatus: user.UserStatus,
        Enabled: user.Enabled,
        UserCreateDate: user.UserCreateDate,
        UserLastModifiedDate: user.UserLastModifiedDate,
      });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const response = await this.#call(() =>
      this.#client.send(
        new ListUsersCommand({
          UserPoolId: this.#userPoolId,
          Filter: `email = "${email.replace(/["\\]/g, '\\$&')}"`,
          Limit: 1,
        }),
      ),
    );
    const user = response.Users?.[0];
    return user ? toAccount(user) : undefined;
  }

  async groupsOf(username: string): Promise<AccountGroup[]> {
    const groups: AccountGroup[] = [];
    let nextToken: string | undefined;
    do {
      const response = await this.#forUser(username, (ids) =>
        this.#client.send(
          new AdminListGroupsForUserCommand({
            ...ids,
            Limit: COGNITO_MAX_PAGE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      for (const group of response.Groups ?? []) {
        const name = GROUPS.find((g) => g === group.GroupName);
        if (name) groups.push(name);
      }
      nextToken = response.NextToken;
    } while (nextToken);
    return groups;
  }

  async membersOf(group: AccountGroup): Promise<Set<string>> {
    const members = new Set<string>();
    let nextToken: string | undefined;
    do {
      const response = await this.#call(() =>
        this.#client.send(
          new ListUsersInGroupCommand({
            UserPoolId: this.#userPoolId,
            GroupName: group,
            Limit: COGNITO_MAX_PAGE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      for (const user of response.Users ?? []) if (user.Username) members.add(user.Username);
      nextToken = response.NextToken;
    } while (nextToken);
    return members;
  }

  async create(account: NewAccount): Promise<Account> {
    const response = await this.#call(() =>
      this.#client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.#userPoolId,
          // The pool signs in by email: Cognito takes the email here and makes the sub the username.
          Username: account.email,
          // Verified because an admin vouches for it; an unverified email could not receive a reset code.
          UserAttributes: [
            { Name: 'email', Value: account.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
          // A password is about to be set: an invitation with a temporary one would only confuse.
          ...(account.sendInvitation ? {} : { MessageAction: 'SUPPRESS' as const }),
        }),
      ),
    );
    if (!response.User) throw new Error('Cognito AdminCreateUser answered without the user');
    return toAccount(response.User);
  }

  async addToGroup(username: string, group: AccountGroup): Promise<void> {
    await this.#forUser(username, (ids) =>
      this.#client.send(new AdminAddUserToGroupCommand({ ...ids, GroupName: group })),
    );
  }

  async removeFromGroup(username: string, group: AccountGroup): Promise<void> {
    await this.#forUser(username, (ids) =>
      this.#client.send(new AdminRemoveUserFromGroupCommand({ ...ids, GroupName: group })),
    );
  }

  async setPassword(username: string, password: string): Promise<void> {
    await this.#forUser(
      username,
      (ids) =>
        this.#client.send(new AdminSetUserPasswordCommand({ ...ids, Password: password, Permanent: true })),
      'input.password',
    );
  }

  async setEmail(username: string, email: string): Promise<void> {
    await this.#forUser(username, (ids) =>
      this.#client.send(
        new AdminUpdateUserAttributesCommand({
          ...ids,
          // Verified in the same call: otherwise Cognito keeps the old email for sign-in
          // until the person enters a code sent to the new one.
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      ),
    );
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    // A disabled account must not renew its session: its refresh tokens are revoked first.
    if (!enabled) await this.#signOutEverywhere(username);
    await this.#forUser(username, (ids) =>
      this.#client.send(enabled ? new AdminEnableUserCommand(ids) : new AdminDisableUserCommand(ids)),
    );
  }

  async delete(username: string): Promise<void> {
    // Signed out before it goes, so a refresh token issued earlier stops working at once.
    await this.#signOutEverywhere(username);
    await this.#forUser(username, (ids) => this.#client.send(new AdminDeleteUserCommand(ids)));
  }

  /** AdminUserGlobalSignOut: revokes every refresh token of the account (its access tokens expire within the hour). */
  async #signOutEverywhere(username: string): Promise<void> {
    await this.#forUser(username, (ids) => this.#client.send(new AdminUserGlobalSignOutCommand(ids)));
  }

  /**
   * Runs one Admin* call about one account (`ids` names the pool and the
   * user); a failure names the account, and `field` the argument it was about.
   */
  #forUser<T>(
    username: string,
    send: (ids: { UserPoolId: string; Username: string }) => Promise<T>,
    field?: string,
  ): Promise<T> {
    return this.#call(() => send({ UserPoolId: this.#userPoolId, Username: username }), {
      username,
      ...(field ? { field } : {}),
    });
  }

  /** Runs one Cognito call and maps its failure to a named error. */
  async #call<T>(send: () => Promise<T>, context: CallContext = {}): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw mapCognitoError(err, context);
    }
  }
}

/**
 * Cognito's exceptions as the API's named errors. Messages are written here,
 * never copied from Cognito, so no exception name or pool detail leaks.
 * Anything unlisted is a bug or a misconfiguration (a missing group, no IAM
 * permission) and goes up unchanged, to be logged whole and answered generically.
 */
export function mapCognitoError(err: unknown, context: CallContext = {}): unknown {
  switch (awsErrorName(err)) {
    case 'UserNotFoundException':
      return new NotFoundError(
        context.username ? `No account with username ${context.username}.` : 'No such account.',
        { cause: err },
      );
    case 'UsernameExistsException':
    case 'AliasExistsException':
      return new ConflictError('An account with this email already exists.', { cause: err });
    case 'InvalidPasswordException':
      return new ValidationError(
        { field: 'input.password', message: `is not accepted; it needs ${PASSWORD_POLICY_TEXT}` },
        { cause: err },
      );
    case 'InvalidParameterException':
      if (context.field === 'nextToken') {
        return new ValidationError(
          {
            field: 'nextToken',
            message: 'is not a token from this query; pass back the nextToken it returned, unchanged',
          },
          { cause: err },
        );
      }
      return err;
    default:
      if (isTransientAwsError(err)) {
        return new ServiceUnavailableError(
          'The account directory is busy or unavailable; try again shortly.',
          {
            cause: err,
          },
        );
      }
      return err;
  }
}

function parseOffsetToken(token: string | null | undefined): number | undefined {
  if (!token?.startsWith(OFFSET_TOKEN_PREFIX)) return undefined;
  const offset = Number(token.slice(OFFSET_TOKEN_PREFIX.length));
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError({
      field: 'nextToken',
      message: 'is not a token from this query; pass back the nextToken it returned, unchanged',
    });
  }
  return offset;
}

const attribute = (attributes: AttributeType[] | undefined, name: string): string | undefined =>
  attributes?.find((a) => a.Name === name)?.Value;

function toAccount(user: UserType): Account {
  const username = user.Username ?? '';
  return {
    username,
    sub: attribute(user.Attributes, 'sub') ?? username,
    email: attribute(user.Attributes, 'email') ?? '',
    status: user.UserStatus ?? 'UNKNOWN',
    enabled: user.Enabled ?? true,
    createdAt: (user.UserCreateDate ?? new Date(0)).toISOString(),
    updatedAt: user.UserLastModifiedDate ? user.UserLastModifiedDate.toISOString() : null,
  };
}
