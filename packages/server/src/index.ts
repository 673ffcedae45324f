export type { Bus, Delivery } from './bus/bus.js';
export { LocalBus } from './bus/local/local-bus.js';
export { RedisBus, type RedisBusOptions, type RedisBusStats } from './bus/redis/redis-bus.js';
export { defaultConfig, type ServerConfig } from './config/config.js';
export { ChatCore, type CoreConfig } from './core/chat-core.js';
export type { Peer } from './core/peer.js';
export { connectionCeiling } from './gateway/fd-limit.js';
export { NODE_FLAGS } from './runtime/node-flags.js';
export { type ParleyServer, type ServerParts, startServer } from './server.js';
export {
  DatabaseStartError,
  PostgresStore,
  type PostgresStoreOptions,
} from './store/postgres/postgres-store.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export type * from './store/store.js';
