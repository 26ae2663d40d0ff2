import { describe, expect, it } from 'vitest';
import { TooManyPagesError, allPages } from '../../../testkit/pages';

describe('allPages', () => {
  it('follows nextToken from a first call with null and returns the items in order', async () => {
    const asked: (string | null)[] = [];
    const pages: Record<string, { items: number[]; nextToken?: string | null }> = {
      first: { items: [1, 2], nextToken: 'b' },
      b: { items: [3], nextToken: 'c' },
      c: { items: [4, 5], nextToken: null },
    };
    const items = await allPages(async (token) => {
      asked.push(token);
      return pages[token ?? 'first']!;
    });
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([null, 'b', 'c']);
  });

  it('ends on a page without a nextToken field', async () => {
    expect(await allPages(async () => ({ items: ['only'] }))).toEqual(['only']);
  });

  it('gives up after maxPages when the tokens never end', async () => {
    let calls = 0;
    await expect(allPages(async () => ({ items: [++calls], nextToken: 'again' }), 5)).rejects.toBeInstanceOf(
      TooManyPagesError,
    );
    expect(calls).toBe(5);
  });
});
