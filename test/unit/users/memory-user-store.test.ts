import { MemoryUserStore } from '../../helpers/memory-user-store';
import { describeUserStoreContract } from '../../helpers/user-store-contract';

// The service unit tests trust this fake; the contract keeps it honest.
describeUserStoreContract('in memory (test fake)', async () => new MemoryUserStore());
