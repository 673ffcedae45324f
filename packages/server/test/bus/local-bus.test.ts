import { LocalBus } from '../../src/bus/local/local-bus.js';
import { type BusFactory, busContract } from './bus-contract.js';
import { roomBusContract } from './room-bus-contract.js';

// a single process is a cluster of one: the cases across nodes do not apply
const factory: BusFactory = {
  multiNode: false,
  create: async (n) => Array.from({ length: n }, () => new LocalBus()),
};
busContract('LocalBus', factory);
roomBusContract('LocalBus', factory);
