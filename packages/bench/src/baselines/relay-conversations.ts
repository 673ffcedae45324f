import type { GroupInfo } from '@parley/protocol';

/**
 * Groups and chat rooms for the ws relay, in memory and without rules: what the relay needs to fan
 * a message out the way Parley does (the frame serialized once, written to every member's sockets
 * but the sending one), so that the `group` and `room` scenarios have a floor to compare with.
 * No events, no roles, no storage, no checks beyond "is there such a group".
 */
export class RelayConversations<Socket> {
  private nextGroup = 1;
  /** Group id → member user ids. */
  private readonly groups = new Map<string, { name: string; ownerId: string; members: Set<string> }>();
  /** Room id → the sockets in it. */
  private readonly rooms = new Map<string, Set<Socket>>();
  /** Socket → the rooms it joined (left when it closes). */
  private readonly roomsOf = new Map<Socket, Set<string>>();

  createGroup(ownerId: string, name: string, members: readonly string[]): GroupInfo {
    const id = `~relay${this.nextGroup++}`;
    this.groups.set(id, { name, ownerId, members: new Set([ownerId, ...members]) });
    return this.info(id)!;
  }

  /** Adds members; undefined if there is no such group. */
  addMembers(groupId: string, members: readonly string[]): GroupInfo | undefined {
    const g = this.groups.get(groupId);
    if (!g) return undefined;
    for (const m of members) g.members.add(m);
    return this.info(groupId);
  }

  members(groupId: string): ReadonlySet<string> | undefined {
    return this.groups.get(groupId)?.members;
  }

  private info(id: string): GroupInfo | undefined {
    const g = this.groups.get(id);
    if (!g) return undefined;
    return {
      id,
      name: g.name,
      ownerId: g.ownerId,
      mutedAll: false,
      memberCount: g.members.size,
      seq: 0,
      ts: 0,
    };
  }

  join(roomId: string, socket: Socket): void {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new Set();
      this.rooms.set(roomId, room);
    }
    room.add(socket);
    let mine = this.roomsOf.get(socket);
    if (!mine) {
      mine = new Set();
      this.roomsOf.set(socket, mine);
    }
    mine.add(roomId);
  }

  leave(roomId: string, socket: Socket): void {
    const room = this.rooms.get(roomId);
    room?.delete(socket);
    if (room?.size === 0) this.rooms.delete(roomId);
    this.roomsOf.get(socket)?.delete(roomId);
  }

  /** The socket closed: it leaves every room it was in. */
  leaveAll(socket: Socket): void {
    for (const roomId of this.roomsOf.get(socket) ?? []) this.leave(roomId, socket);
    this.roomsOf.delete(socket);
  }

  roomSockets(roomId: string): ReadonlySet<Socket> | undefined {
    return this.rooms.get(roomId);
  }

  inRoom(roomId: string, socket: Socket): boolean {
    return this.rooms.get(roomId)?.has(socket) === true;
  }
}
