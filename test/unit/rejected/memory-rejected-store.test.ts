import { describe, expect, it } from 'vitest';
import { MemoryRejectedStore } from '../../helpers/memory-rejected-store';
import { describeRejectedStoreContract } from '../../helpers/rejected-store-contract';

// The processor unit tests trust this fake; the contract keeps it honest.
describeRejectedStoreContract('in memory (test fake)', async () => new MemoryRejectedStore());

describe('MemoryRejectedStore', () => {
  it('throws on every put while failPuts is set, keeping nothing', async () => {
    const store = new MemoryRejectedStore();
    store.failPuts = true;
    await expect(store.put({ id: 'r1' } as never)).rejects.toThrow('DynamoDB throttled');
    expect(store.items.size).toBe(0);
  });
});
