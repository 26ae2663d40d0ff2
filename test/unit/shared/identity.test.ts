import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../core/shared/errors';
import { callerGuards, type Caller } from '../../../core/shared/identity';

const guards = callerGuards({ notMember: 'members only', notAdmin: 'admins only' });
const user = (groups: ('admin' | 'user')[]): Caller => ({ kind: 'user', sub: 's', username: 'u', groups });

describe('caller guards', () => {
  it('passes a member of either group as a member, and only an admin as an admin', () => {
    expect(guards.member(user(['user']))).toMatchObject({ sub: 's' });
    expect(guards.member(user(['admin']))).toMatchObject({ sub: 's' });
    expect(guards.admin(user(['admin', 'user']))).toMatchObject({ sub: 's' });
  });

  it.each([
    ['a caller in no group', user([])],
    ['the backend role', { kind: 'iam', principal: 'arn:aws:iam::1:role/p' } as Caller],
  ])('refuses %s in the area words, as member and as admin', (_, caller) => {
    expect(() => guards.member(caller)).toThrow(new UnauthorizedError('members only'));
    expect(() => guards.admin(caller)).toThrow(new UnauthorizedError('members only'));
  });

  it('refuses a user that is not an admin with the admin words', () => {
    expect(() => guards.admin(user(['user']))).toThrow(new UnauthorizedError('admins only'));
  });
});
