import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../../../core/accounts';

describe('password policy', () => {
  it('accepts a password with every kind of character', () => {
    expect(passwordProblems('Drain-Off-2024!')).toEqual([]);
    expect(passwordProblems('aB3 ~xyzw')).toEqual([]);
  });

  it.each([
    ['Ab1!xyz', ['at least 8 characters']],
    ['Abcdefg!', ['a number']],
    ['ABCDEFG1!', ['a lower-case letter']],
    ['abcdefg1!', ['an upper-case letter']],
    ['Abcdefg12', ['a special character such as ! @ # $ % ^ & *']],
    [' Abcdef1!', ['no space at the start or the end']],
    [
      '',
      [
        'at least 8 characters',
        'a number',
        'a lower-case letter',
        'an upper-case letter',
        'a special character such as ! @ # $ % ^ & *',
      ],
    ],
  ])('says what %j lacks', (password, problems) => {
    expect(passwordProblems(password)).toEqual(problems);
  });

  it('does not count a trailing space as the special character', () => {
    expect(passwordProblems('Abcdefg1 ')).toContain('a special character such as ! @ # $ % ^ & *');
  });

  it('refuses more than Cognito takes', () => {
    expect(passwordProblems(`Aa1!${'x'.repeat(253)}`)).toEqual(['at most 256 characters']);
  });
});
