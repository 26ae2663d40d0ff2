import { useState, type FormEvent } from 'react';
import { useConsole } from '../lib/context';
import { toApiError, type ApiError } from '../lib/errors';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { allPages } from '../lib/paging';
import type { Role, UserAccount } from '../lib/types';
import { DataTable, ErrorBox, Field, InputField, Loading } from '../components/common';

/** Admin: the Cognito accounts; add, change role, disable or enable, delete. */
export function AccountsPage() {
  const { api, user } = useConsole();
  const accounts = useAsync(async () => {
    const out = await allPages<UserAccount>(api, 'userAccounts', { limit: 60 }, 1000);
    return out.sort((a, b) => a.email.localeCompare(b.email));
  }, [api]);
  const [error, setError] = useState<ApiError>();
  const replace = (a: UserAccount) =>
    accounts.set((list) => (list ?? []).map((x) => (x.username === a.username ? a : x)));

  async function update(account: UserAccount, change: { role?: Role; enabled?: boolean }) {
    setError(undefined);
    try {
      replace(
        await api.request<UserAccount>('updateUserAccount', {
          input: { username: account.username, ...change },
        }),
      );
    } catch (err) {
      setError(toApiError(err));
    }
  }
  async function remove(account: UserAccount) {
    if (!window.confirm(`Delete the account ${account.email}? They can no longer sign in.`)) return;
    setError(undefined);
    try {
      await api.request('deleteUserAccount', { username: account.username });
      accounts.set((list) => (list ?? []).filter((x) => x.username !== account.username));
    } catch (err) {
      setError(toApiError(err));
    }
  }

  return (
    <section aria-labelledby="accounts-title">
      <h1 id="accounts-title">Accounts</h1>
      <AddAccount onAdded={(a) => accounts.set((list) => [...(list ?? []), a])} />
      {error ? <ErrorBox error={error} what="change the account" /> : null}
      {accounts.error ? (
        <ErrorBox error={accounts.error} retry={accounts.reload} what="load the accounts" />
      ) : null}
      {accounts.loading && !accounts.data ? <Loading what="accounts" /> : null}
      {accounts.data ? (
        <DataTable
          className="accounts responsive"
          caption="Accounts"
          columns={['Email', 'Role', 'Status', 'Created', 'Actions']}
          rows={accounts.data}
          keyOf={(a) => a.username}
          testId={(a) => `account-${a.email}`}
        >
          {(a) => {
            const self = a.email === user.email;
            return (
              <>
                <th scope="row" data-label="Email">
                  {a.email}
                  {self ? <span className="muted small"> (you)</span> : null}
                </th>
                <td data-label="Role">
                  <label className="sr-only" htmlFor={`role-${a.username}`}>
                    Role of {a.email}
                  </label>
                  <select
                    id={`role-${a.username}`}
                    value={a.role ?? ''}
                    disabled={self}
                    onChange={(e) => update(a, { role: e.target.value as Role })}
                  >
                    {a.role ? null : <option value="">none</option>}
                    <option value="ADMIN">admin</option>
                    <option value="USER">user</option>
                  </select>
                </td>
                <td data-label="Status">
                  {a.enabled ? a.status : <span className="badge muted-badge">disabled</span>}
                </td>
                <td data-label="Created">{formatTime(a.createdAt)}</td>
                <td data-label="Actions" className="row-actions">
                  <button
                    type="button"
                    className="secondary small"
                    disabled={self}
                    onClick={() => update(a, { enabled: !a.enabled })}
                  >
                    {a.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button
                    type="button"
                    className="danger-button small"
                    disabled={self}
                    onClick={() => remove(a)}
                  >
                    Delete
                  </button>
                </td>
              </>
            );
          }}
        </DataTable>
      ) : null}
    </section>
  );
}

function AddAccount({ onAdded }: { onAdded: (a: UserAccount) => void }) {
  const { api } = useConsole();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('USER');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const issue = (f: string) => error?.fields[`input.${f}`];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const added = await api.request<UserAccount>('addUserAccount', {
        input: { email: email.trim(), role, ...(password ? { password } : {}) },
      });
      onAdded(added);
      setDone(
        password
          ? `Added ${added.email}; they sign in with the password you set.`
          : `Added ${added.email}; Cognito sends them a temporary password, to be changed at first sign-in.`,
      );
      setEmail('');
      setPassword('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="add-account-title" noValidate>
      <h2 id="add-account-title">Add account</h2>
      <InputField
        id="account-email"
        label="Email"
        error={issue('email')}
        type="email"
        value={email}
        onValue={setEmail}
      />
      <Field id="account-role" label="Role" error={issue('role')}>
        <select id="account-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="USER">user: reads stations and readings</option>
          <option value="ADMIN">admin: changes stations and accounts</option>
        </select>
      </Field>
      <InputField
        id="account-password"
        label="Password (optional)"
        error={issue('password')}
        hint="Empty: Cognito emails a temporary one."
        type="password"
        autoComplete="new-password"
        value={password}
        onValue={setPassword}
      />
      {error && !Object.keys(error.fields).length ? <ErrorBox error={error} what="add the account" /> : null}
      {done ? (
        <p className="ok" role="status">
          {done}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Adding...' : 'Add account'}
        </button>
      </div>
    </form>
  );
}
