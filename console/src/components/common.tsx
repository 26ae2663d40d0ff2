import type { InputHTMLAttributes, ReactNode } from 'react';
import type { ApiError } from '../lib/errors';
import type { ConfigStatus } from '../lib/types';
import type { LiveState } from '../lib/live';
import { FALLBACK_REFRESH_MS } from '../lib/live';

const STATUS_TEXT: Record<ConfigStatus, string> = {
  PENDING: 'Pending: waiting for the station to apply it',
  APPLIED: 'Applied by the station',
  REJECTED: 'Rejected by the station',
};

/** PENDING / APPLIED / REJECTED, in words and colour. */
export function ConfigStatusBadge({ status, version }: { status: ConfigStatus; version?: number }) {
  return (
    <span
      className={`badge status-${status.toLowerCase()}`}
      title={STATUS_TEXT[status]}
      data-testid="config-status"
    >
      {status}
      {version !== undefined ? ` v${version}` : ''}
    </span>
  );
}

/** What went wrong and what to do, with a retry when one makes sense. */
export function ErrorBox({ error, retry, what }: { error: ApiError; retry?: () => void; what: string }) {
  return (
    <div className="error" role="alert">
      <strong>Could not {what}.</strong> {error.message}
      {retry ? (
        <button type="button" className="link" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}...
    </p>
  );
}

/** The real-time connection's state, and what the page does while it is down. */
export function LiveIndicator({ state }: { state: LiveState }) {
  const text =
    state === 'live'
      ? 'Live'
      : state === 'connecting'
        ? 'Connecting live updates...'
        : `Live updates unavailable: refreshing every ${FALLBACK_REFRESH_MS / 1000} s`;
  return (
    <span className={`live live-${state}`} role="status" aria-live="polite" data-testid="live-state">
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** aria attributes of an input that Field wraps. */
export function describedBy(id: string, error?: string, hint?: boolean) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined } as const;
}

/** An input's own attributes, besides the id, value and change handler its field sets. */
export type InputAttributes = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>;

/**
 * A labelled text input in a Field: its error and hint under it and named by
 * its aria attributes. Every form row of the console that edits one string is one.
 */
export function InputField({
  id,
  label,
  error,
  hint,
  value,
  onValue,
  ...input
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  value: string;
  onValue: (value: string) => void;
} & InputAttributes) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        {...input}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        {...describedBy(id, error, hint !== undefined)}
      />
    </Field>
  );
}

/** A checkbox with its label after it, as the config editor's on/off settings are. */
export function CheckboxField({
  id,
  label,
  checked,
  onChecked,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChecked: (checked: boolean) => void;
}) {
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChecked(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/**
 * A row's header cell: the thing's name, a muted detail after it (its id
 * when that differs), and a muted badge when it is switched off.
 */
export function NameCell({
  label,
  name,
  detail,
  off,
}: {
  label: string;
  name: ReactNode;
  detail?: string | undefined;
  off?: string | undefined;
}) {
  return (
    <th scope="row" data-label={label}>
      {name}
      {detail !== undefined ? <span className="muted small"> {detail}</span> : null}
      {off !== undefined ? <span className="badge muted-badge">{off}</span> : null}
    </th>
  );
}

/**
 * A table's caption (for screen readers) and its header row: one column
 * heading per name, as every table of the console starts.
 */
export function TableHead({ caption, columns }: { caption: ReactNode; columns: readonly string[] }) {
  return (
    <>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
    </>
  );
}

/**
 * A table of one row per item: caption, column headings, and the cells that
 * `children` renders for each row; `testId` and `rowClass` mark a row for
 * tests and styles.
 */
export function DataTable<T>({
  className,
  caption,
  columns,
  rows,
  keyOf,
  testId,
  rowClass,
  children,
}: {
  className: string;
  caption: ReactNode;
  columns: readonly string[];
  rows: readonly T[];
  keyOf: (row: T) => string;
  testId?: (row: T) => string;
  rowClass?: (row: T) => string | undefined;
  children: (row: T) => ReactNode;
}) {
  return (
    <table className={className}>
      <TableHead caption={caption} columns={columns} />
      <tbody>
        {rows.map((row) => (
          <tr key={keyOf(row)} data-testid={testId?.(row)} className={rowClass?.(row)}>
            {children(row)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
