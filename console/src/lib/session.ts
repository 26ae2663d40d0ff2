import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import type { ConsoleConfig } from './config';
import type { ConsoleRole } from './types';

export interface SessionUser {
  email: string;
  role: ConsoleRole;
}

/** What a sign-in attempt asks of the person next. */
export type SignInOutcome =
  { step: 'done'; user: SessionUser } | { step: 'new-password' } | { step: 'unsupported'; message: string };

/** The signed-in user, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  try {
    await getCurrentUser();
  } catch {
    return null;
  }
  return sessionUser();
}

async function sessionUser(): Promise<SessionUser> {
  const session = await fetchAuthSession();
  const access = session.tokens?.accessToken?.payload ?? {};
  const id = session.tokens?.idToken?.payload ?? {};
  const groups = (access['cognito:groups'] ?? id['cognito:groups'] ?? []) as string[];
  const role: ConsoleRole = groups.includes('admin') ? 'admin' : groups.includes('user') ? 'user' : null;
  const email = String(id.email ?? access.username ?? '');
  return { email, role };
}

function outcomeOf(step: string): SignInOutcome | null {
  if (step === 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED') return { step: 'new-password' };
  if (step === 'DONE') return null;
  return {
    step: 'unsupported',
    message: `Cognito asks for a step the console does not offer (${step}); ask an admin to reset the account.`,
  };
}

/** Email and password; USER_PASSWORD_AUTH where config says so (cognito-local), SRP otherwise. */
export async function signInWithPassword(
  config: Pick<ConsoleConfig, 'AuthFlowType'>,
  email: string,
  password: string,
): Promise<SignInOutcome> {
  // A stale session of another user would make Amplify refuse a new sign-in.
  await signOut().catch(() => undefined);
  const result = await signIn({
    username: email.trim(),
    password,
    options: { authFlowType: config.AuthFlowType ?? 'USER_SRP_AUTH' },
  });
  return outcomeOf(result.nextStep.signInStep) ?? { step: 'done', user: await sessionUser() };
}

/** Answers Cognito's NEW_PASSWORD_REQUIRED challenge. */
export async function completeNewPassword(newPassword: string): Promise<SignInOutcome> {
  const result = await confirmSignIn({ challengeResponse: newPassword });
  return outcomeOf(result.nextStep.signInStep) ?? { step: 'done', user: await sessionUser() };
}

export async function signOutEverywhere(): Promise<void> {
  await signOut();
}

/** Cognito's sign-in errors, as a person can act on them. */
export function signInErrorMessage(err: unknown, step: 'password' | 'new-password' = 'password'): string {
  const name = (err as Error)?.name ?? '';
  const message = (err as Error)?.message ?? String(err);
  const wrong = 'Wrong email or password, or the account is disabled.';
  if (name === 'NotAuthorizedException' || name === 'UserNotFoundException') return wrong;
  // Cognito answers a wrong password with NotAuthorizedException; cognito-local with InvalidPasswordException.
  if (name === 'InvalidPasswordException' && step === 'password') return wrong;
  if (name === 'InvalidPasswordException')
    return `The new password does not meet the policy: ${message.replace(/^.*?:\s*/, '')}`;
  if (name === 'PasswordResetRequiredException')
    return 'An admin reset this password: ask them for a new one.';
  if (/network|fetch/i.test(message)) return `Could not reach the sign-in service (${message}). Try again.`;
  return message;
}
