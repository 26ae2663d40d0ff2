/** The Cognito groups that carry a role; the API's Role enum names them in upper case. */
export type AccountGroup = 'admin' | 'user';

/** The most accounts one directory page holds (Cognito's ceiling for ListUsers and its kin). */
export const MAX_ACCOUNT_PAGE = 60;

/** One account in the user directory, as the service needs it. */
export interface Account {
  /** The directory's username: the account's `sub` in a pool that signs in by email. */
  username: string;
  /** Key of the account's profile in the user store. */
  sub: string;
  email: string;
  /** CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, ... */
  status: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string | null;
}

export interface AccountPage {
  accounts: Account[];
  /** The directory's own continuation token, passed through to the API unchanged. */
  nextToken: string | null;
}

export interface NewAccount {
  email: string;
  /** True: the directory mails a temporary password. False: the caller sets one right after. */
  sendInvitation: boolean;
}

/**
 * The user directory (a Cognito user pool). Adapters map the directory's
 * failures to the named errors (NotFoundError, ConflictError,
 * ValidationError on `input.password`, ServiceUnavailableError), so nothing
 * directory-specific reaches the service or the caller.
 */
export interface AccountDirectory {
  /** One page of accounts, at most `limit`. */
  list(limit: number, nextToken?: string | null): Promise<AccountPage>;
  /** The account with this username, or undefined. */
  get(username: string): Promise<Account | undefined>;
  /** The account whose email is `email`, or undefined. */
  findByEmail(email: string): Promise<Account | undefined>;
  /** Groups of one account; NotFoundError when it does not exist. */
  groupsOf(username: string): Promise<AccountGroup[]>;
  /** Usernames of every member of a group. */
  membersOf(group: AccountGroup): Promise<Set<string>>;
  /** Creates an account with a verified email; ConflictError when the email is taken. */
  create(account: NewAccount): Promise<Account>;
  addToGroup(username: string, group: AccountGroup): Promise<void>;
  removeFromGroup(username: string, group: AccountGroup): Promise<void>;
  /** Sets a permanent password; ValidationError on `input.password` when the directory refuses it. */
  setPassword(username: string, password: string): Promise<void>;
  /** Changes the email (the sign-in name) and marks it verified; ConflictError when it is taken. */
  setEmail(username: string, email: string): Promise<void>;
  /** Disabling also signs the account out everywhere (its refresh tokens stop working). */
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** Signs the account out everywhere, then deletes it. */
  delete(username: string): Promise<void>;
}
