import { MemoryAccountDirectory } from '../../helpers/memory-account-directory';
import { describeAccountDirectoryContract } from '../../helpers/account-directory-contract';

// The service unit tests trust this fake; the contract keeps it honest.
const directory = new MemoryAccountDirectory();
describeAccountDirectoryContract('in memory (test fake)', () => directory);
