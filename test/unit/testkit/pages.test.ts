import { describe, expect, it } from 'vitest';
import { allItems, allPages, TooManyPagesError } from '../../../testkit/pages';

/** A list of `items` in pages of `size`, tokens being the next offset; records the tokens it was asked with. */
function pagedList(items: number[], size: number) {
  const asked: (string | null)[] = [];
  const fetch = async (token: string | null) => {
    asked.push(token);
    const from = token ? Number(token) : 0;
    const next = from + size;
    return { items: items.slice(from, next), nextToken: next < items.length ? String(next) : null };
  };
  return { fetch, asked };
}

describe('allPages', () => {
  it('follows each next token once, from a null first token, until a page has none', async () => {
    const list = pagedList([1, 2, 3, 4, 5], 2);
    const pages = await allPages(list.fetch);
    expect(pages.map((p) => p.items)).toEqual([[1, 2], [3, 4], [5]]);
    expect(list.asked).toEqual([null, '2', '4']);
  });

  it('answers one page for a list without a next token, undefined or null', async () => {
    expect(await allPages(async () => ({ items: [] }))).toEqual([{ items: [] }]);
    expect(await allPages(async () => ({ items: [7], nextToken: null }))).toHaveLength(1);
  });

  it('gives up with TooManyPagesError on a token that never ends, after the page limit', async () => {
    let calls = 0;
    const endless = async () => {
      calls++;
      return { items: [calls], nextToken: 'again' };
    };
    await expect(allPages(endless, 5)).rejects.toBeInstanceOf(TooManyPagesError);
    expect(calls).toBe(5);
  });
});

describe('allItems', () => {
  it('joins the items of every page in order', async () => {
    expect(await allItems(pagedList([5, 4, 3, 2, 1, 0], 4).fetch)).toEqual([5, 4, 3, 2, 1, 0]);
  });
});
