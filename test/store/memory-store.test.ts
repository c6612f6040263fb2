import { createMemoryStore } from '../../runtime/store/memory-store.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('memory', { open: async () => createMemoryStore() });
