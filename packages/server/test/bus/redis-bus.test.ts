import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { RedisBus } from '../../src/bus/redis/redis-bus.js';
import { adminConnection, deleteKeys, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { type BusFactory, busContract } from './bus-contract.js';
import { roomBusContract } from './room-bus-contract.js';

const prefix = uniquePrefix();
let admin: Redis | undefined;
beforeAll(async () => {
  admin = await adminConnection();
});
afterAll(async () => {
  admin?.disconnect();
});

const factory: BusFactory = {
  multiNode: true,
  create: async (n) =>
    Array.from({ length: n }, () => new RedisBus({ url: redisUrl, prefix, log: pino({ level: 'silent' }) })),
  cleanup: async () => {
    if (admin) await deleteKeys(admin, prefix);
  },
};
busContract('RedisBus', factory);
roomBusContract('RedisBus', factory);
