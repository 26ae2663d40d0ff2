import { useState, type FormEvent } from 'react';
import type { ConsoleConfig } from '../lib/config';
import {
  completeNewPassword,
  signInErrorMessage,
  signInWithPassword,
  type SessionUser,
  type SignInOutcome,
} from '../lib/session';

export interface SignInProps {
  config: Pick<ConsoleConfig, 'AuthFlowType' | 'Stage'>;
  onSignedIn: (user: SessionUser) => void;
  /** Replaceable in tests. */
  auth?: {
    signIn: (email: string, password: string) => Promise<SignInOutcome>;
    newPassword: (password: string) => Promise<SignInOutcome>;
  };
}

/** Email and password, then Cognito's new-password challenge when an admin gave a temporary one. */
export function SignIn({ config, onSignedIn, auth }: SignInProps) {
  const actions = auth ?? {
    signIn: (email: string, password: string) => signInWithPassword(config, email, password),
    newPassword: completeNewPassword,
  };
  const [step, setStep] = useState<'password' | 'new-password'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const follow = (outcome: SignInOutcome) => {
    if (outcome.step === 'done') onSignedIn(outcome.user);
    else if (outcome.step === 'new-password') {
      setStep('new-password');
      setError(undefined);
    } else setError(outcome.message);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (step === 'new-password' && newPassword !== repeat) {
      setError('The two new passwords differ.');
      return;
    }
    setBusy(true);
    try {
      follow(
        step === 'password' ? await actions.signIn(email, password) : await actions.newPassword(newPassword),
      );
    } catch (err) {
      setError(signInErrorMessage(err, step));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">YVR water quality</h1>
        <p className="muted">
          {step === 'password' ? 'Sign in to the operator console' : 'Choose a new password'}
        </p>
        {step === 'password' ? (
          <>
            <SignInInput
              id="email"
              label="Email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={setEmail}
            />
            <SignInInput
              id="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={setPassword}
            />
          </>
        ) : (
          <>
            <p>Your account has a temporary password. Set your own to continue.</p>
            <SignInInput
              id="new-password"
              label="New password"
              type="password"
              autoComplete="new-password"
              describedBy="password-rule"
              value={newPassword}
              onChange={setNewPassword}
            />
            <small id="password-rule" className="hint">
              At least 8 characters with upper and lower case letters, a digit and a symbol.
            </small>
            <SignInInput
              id="repeat-password"
              label="Repeat the new password"
              type="password"
              autoComplete="new-password"
              value={repeat}
              onChange={setRepeat}
            />
          </>
        )}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in...' : step === 'password' ? 'Sign in' : 'Set password and sign in'}
        </button>
        {config.Stage ? <p className="muted small">Stage: {config.Stage}</p> : null}
      </form>
    </main>
  );
}

/** A labelled, required input of the form, bound to one piece of state. */
function SignInInput(props: {
  id: string;
  label: string;
  type: 'email' | 'password';
  autoComplete: string;
  describedBy?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type}
        autoComplete={props.autoComplete}
        required
        aria-describedby={props.describedBy}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </>
  );
}
