import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/shared/errors';
import { issueLinesOf, issuesOf, NoValidationError } from '../../helpers/validation-issues';

const invalid = () => {
  throw new ValidationError([
    { field: 'input.id', message: 'is required' },
    { field: 'input.name', message: 'is too long' },
  ]);
};
const other = () => {
  throw new TypeError('boom');
};

describe('issuesOf', () => {
  it('answers the issues of the ValidationError thrown', () => {
    expect(issuesOf(invalid)).toEqual([
      { field: 'input.id', message: 'is required' },
      { field: 'input.name', message: 'is too long' },
    ]);
  });

  it('fails with NoValidationError when nothing is thrown, and throws any other error on', () => {
    expect(() => issuesOf(() => 1)).toThrow(NoValidationError);
    expect(() => issuesOf(other)).toThrow(TypeError);
  });
});

describe('issueLinesOf', () => {
  it('answers field: message lines, none for input that passes, and throws any other error on', () => {
    expect(issueLinesOf(invalid)).toEqual(['input.id: is required', 'input.name: is too long']);
    expect(issueLinesOf(() => 1)).toEqual([]);
    expect(() => issueLinesOf(other)).toThrow(TypeError);
  });
});
