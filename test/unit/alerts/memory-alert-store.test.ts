import { describeAlertStoreContract } from '../../helpers/alert-store-contract';
import { MemoryAlertStore } from '../../helpers/memory-alert-store';

// The alert service unit tests trust this fake; the contract keeps it honest.
describeAlertStoreContract('in memory (test fake)', async () => ({
  store: new MemoryAlertStore(),
  addDevice: async () => undefined,
}));
