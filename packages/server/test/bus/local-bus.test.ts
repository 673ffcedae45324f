import { LocalBus } from '../../src/bus/local/local-bus.js';
import { busContract } from './bus-contract.js';

// a single process is a cluster of one: the cases across nodes do not apply
busContract('LocalBus', {
  multiNode: false,
  create: async (n) => Array.from({ length: n }, () => new LocalBus()),
});
