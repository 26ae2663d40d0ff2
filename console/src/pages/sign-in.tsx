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
            <label htmlFor="email">Email</label>
            <input
              id="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </>
        ) : (
          <>
            <p>Your account has a temporary password. Set your own to continue.</p>
            <label htmlFor="new-password">New password</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              required
              aria-describedby="password-rule"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
            <small id="password-rule" className="hint">
              At least 8 characters with upper and lower case letters, a digit and a symbol.
            </small>
            <label htmlFor="repeat-password">Repeat the new password</label>
            <input
              id="repeat-password"
              type="password"
              autoComplete="new-password"
              required
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
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
