import type { AppSyncResolverEvent } from 'aws-lambda';
import { UnauthorizedError } from '../../core/shared/errors';
import { callerFromIdentity, type Caller, type Group } from '../../core/shared/identity';

/**
 * Defence in depth: the schema's auth directives are enforced by AppSync (and
 * by the local server), and every route checks them again here from the
 * event's identity, so a misconfigured resolver cannot open an admin field.
 */
export function callerOf(event: Pick<AppSyncResolverEvent<unknown>, 'identity'>): Caller {
  const caller = callerFromIdentity(event.identity);
  if (!caller) throw new UnauthorizedError('Sign in first: the request carries no identity.');
  return caller;
}

/** The caller must be a signed-in user in one of `groups`. */
export function requireGroup(caller: Caller, ...groups: Group[]): Extract<Caller, { kind: 'user' }> {
  if (caller.kind !== 'user' || !caller.groups.some((g) => groups.includes(g))) {
    throw new UnauthorizedError(
      `This operation is for the ${groups.join(' or ')} group; your account is not in it.`,
    );
  }
  return caller;
}

/** Only the backend itself (IAM-signed) may call this. */
export function requireBackend(caller: Caller): Extract<Caller, { kind: 'iam' }> {
  if (caller.kind !== 'iam') throw new UnauthorizedError('This operation is reserved for the backend.');
  return caller;
}
