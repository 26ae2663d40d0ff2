import { describe, expect, it } from 'vitest';
import { parseInput } from '../../../core/shared/zod-issues';
import { USER_LIMITS } from '../../../core/users';
import { createUserInputSchema, updateUserInputSchema } from '../../../core/users/user-validation';
import { issuesOf } from '../../helpers/validation-issues';

const create = (input: unknown) => parseInput(createUserInputSchema(), input, ['input']);
const update = (input: unknown) => parseInput(updateUserInputSchema(), input, ['input']);

describe('profile validation', () => {
  it('accepts a full valid profile and trims text', () => {
    expect(
      create({
        id: '3f1c2b9e-8a4d-4c1e-9f0a-1234567890ab',
        email: 'Ops.Team+buoys@yvr.example.ca',
        name: '  Zoë Ng ',
        phone: '+1 (604) 555-0100',
        organization: 'YVR',
        preferences: '{"theme":"dark"}',
      }),
    ).toMatchObject({ name: 'Zoë Ng', preferences: '{"theme":"dark"}' });
  });

  it('names every offending field with its dotted path', () => {
    const issues = issuesOf(() => create({ id: '', email: 'nope', phone: '12' }));
    expect(issues.map((i) => i.field)).toEqual(['input.id', 'input.email', 'input.phone']);
  });

  it('says a missing field is required', () => {
    expect(issuesOf(() => create({ id: 'a-1' }))).toEqual([{ field: 'input.email', message: 'is required' }]);
  });

  it('rejects a field the input does not have, naming it', () => {
    expect(issuesOf(() => create({ id: 'a-1', email: 'a@example.com', role: 'ADMIN' }))).toEqual([
      { field: 'input.role', message: 'is not a field of this input' },
    ]);
  });

  it('states the limit it enforces', () => {
    const [issue] = issuesOf(() => create({ id: 'a-1', email: 'a@example.com', name: 'n'.repeat(101) }));
    expect(issue?.message).toBe(`must be at most ${USER_LIMITS.nameMaxLength} characters long`);
  });

  it('rejects preferences that are a JSON value other than an object', () => {
    for (const preferences of ['42', '"dark"', 'null', '[]', 7, ['a']]) {
      const [issue] = issuesOf(() => create({ id: 'a-1', email: 'a@example.com', preferences }));
      expect(issue?.field).toBe('input.preferences');
    }
  });

  it('measures preferences in UTF-8 bytes', () => {
    // 1,400 three-byte characters: under 4,096 characters, over 4,096 bytes.
    const [issue] = issuesOf(() => update({ id: 'a-1', preferences: { note: '€'.repeat(1400) } }));
    expect(issue).toEqual({ field: 'input.preferences', message: 'must be at most 4096 bytes of JSON' });
  });

  it('keeps absent fields absent on update, so only the given ones change', () => {
    expect(update({ id: 'a-1', name: 'New' })).toEqual({ id: 'a-1', name: 'New' });
  });

  it('rejects a phone number with too few digits', () => {
    expect(issuesOf(() => update({ id: 'a-1', phone: '+1 2' }))[0]?.message).toMatch(/at least 4 digits/);
  });
});
