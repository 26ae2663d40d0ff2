/**
 * The password policy of the old user pool, which the new pool keeps: at
 * least 8 characters with a number, a lower-case letter, an upper-case letter
 * and a special character. Checked before Cognito is called, so the caller
 * hears exactly what is missing instead of Cognito's one-line refusal.
 */
export const PASSWORD_RULES = {
  minLength: 8,
  /** Cognito's own ceiling. */
  maxLength: 256,
} as const;

/** The characters Cognito counts as special. */
const SPECIAL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** What a policy-conforming password needs, for messages. */
export const PASSWORD_POLICY_TEXT =
  'at least 8 characters with a number, a lower-case letter, an upper-case letter and a special character such as ! @ # $ % ^ & *';

/** What `password` lacks, in words; empty when it meets the policy. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_RULES.minLength)
    problems.push(`at least ${PASSWORD_RULES.minLength} characters`);
  if (password.length > PASSWORD_RULES.maxLength)
    problems.push(`at most ${PASSWORD_RULES.maxLength} characters`);
  if (!/[0-9]/.test(password)) problems.push('a number');
  if (!/[a-z]/.test(password)) problems.push('a lower-case letter');
  if (!/[A-Z]/.test(password)) problems.push('an upper-case letter');
  if (!SPECIAL.test(password.trim())) problems.push('a special character such as ! @ # $ % ^ & *');
  if (password !== password.trim()) problems.push('no space at the start or the end');
  return problems;
}

/** A message naming what is missing, or undefined when the password is fine. */
export function passwordMessage(password: string): string | undefined {
  const problems = passwordProblems(password);
  if (problems.length === 0) return undefined;
  return `needs ${problems.join(', ')} (the policy: ${PASSWORD_POLICY_TEXT})`;
}
