/** The settings of chat rooms (part of `CoreConfig`). */
export interface RoomConfig {
  /** Messages each room keeps for those who join later (its recent window). */
  roomRecentMessages: number;
  /** Rooms one connection may be in at once. */
  maxRoomsPerConnection: number;
}

export const defaultRoomConfig: RoomConfig = {
  roomRecentMessages: 100,
  maxRoomsPerConnection: 100,
};
