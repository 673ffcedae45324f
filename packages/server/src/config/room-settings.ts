import type { OptionSpec } from './config.js';

/** The settings of chat rooms (part of `ServerConfig`). */
export interface RoomSettings {
  roomRecentMessages: number;
  maxRoomsPerConnection: number;
}

export const ROOM_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'roomRecentMessages',
    env: 'ROOM_RECENT_MESSAGES',
    flag: '--room-recent-messages',
    kind: 'int',
    min: 1,
    help: 'messages each chat room keeps for those who join later (its recent window)',
  },
  {
    key: 'maxRoomsPerConnection',
    env: 'MAX_ROOMS_PER_CONNECTION',
    flag: '--max-rooms-per-connection',
    kind: 'int',
    min: 1,
    help: 'chat rooms one connection may be in at once (RATE_LIMITED past it)',
  },
];

export const roomDefaults: RoomSettings = {
  roomRecentMessages: 100,
  maxRoomsPerConnection: 100,
};
