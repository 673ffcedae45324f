import type { HistoryEntry, JoinRoomFrame, JoinRoomReply, LeaveRoomFrame } from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { SeenIds } from './seen-ids.js';
import type { ClientEvents, InboundFrame, OutboundFrame, ReceivedMessage } from './types.js';
import { checkRoom } from './validate.js';

export interface RoomDeps {
  userId: string;
  /** A request answered by the next reply of its action; `resend: false` fails on a disconnect. */
  ask(frame: OutboundFrame, opts: { resend: boolean }): Promise<InboundFrame>;
  seen: SeenIds;
  /** Whether this client sent the message with this id (it gets no copy of its own room messages). */
  sentByMe(id: string): boolean;
  emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void;
}

/**
 * Chat rooms (18 join, 19 leave). The server keeps room membership per connection, so the rooms
 * joined here are joined again after every reconnect, before anything else is written; messages
 * posted meanwhile come from the room's recent window as `message` events.
 */
export class Rooms {
  private readonly joined = new Set<string>();

  constructor(private readonly deps: RoomDeps) {}

  /** The rooms this client is in (and rejoins after reconnects). */
  get list(): string[] {
    return [...this.joined];
  }

  /** Joins a room; resolves with its recent window, oldest first. */
  async join(room: string): Promise<HistoryEntry[]> {
    checkRoom(room);
    const reply = (await this.deps.ask(frameOf('18', this.deps.userId, room), {
      resend: true,
    })) as JoinRoomReply;
    const recent = recentOf(reply);
    // what the app was handed now counts as seen, so a later rejoin shows only what is new
    for (const e of recent) this.deps.seen.check(`m:${e.chatMsg.id}`);
    this.joined.add(room);
    this.deps.emit('roomJoined', { room, recent, rejoined: false, missed: [] });
    return recent;
  }

  /** Leaves a room (harmless if not in it); it is no longer rejoined. */
  async leave(room: string): Promise<void> {
    checkRoom(room);
    this.joined.delete(room);
    const frame: LeaveRoomFrame = { action: '19', fromId: this.deps.userId, toId: room };
    await this.deps.ask(frame, { resend: true });
  }

  /**
   * A new connection is ready: join every room again. Called before any other pending request is
   * written, so that room messages waiting in the outbox follow their room's join.
   */
  rejoinAll(): void {
    for (const room of this.joined) {
      this.deps.ask(frameOf('18', this.deps.userId, room), { resend: false }).then(
        (reply) => this.rejoined(room, recentOf(reply as JoinRoomReply)),
        (err: unknown) => this.rejoinFailed(room, err),
      );
    }
  }

  private rejoined(room: string, recent: HistoryEntry[]): void {
    if (!this.joined.has(room)) return; // left meanwhile
    const missed = recent.filter(
      (e) => !this.deps.sentByMe(e.chatMsg.id) && !this.deps.seen.check(`m:${e.chatMsg.id}`),
    );
    this.deps.emit('roomJoined', { room, recent, rejoined: true, missed });
    for (const e of missed) this.deps.emit('message', roomMessage(e));
  }

  private rejoinFailed(room: string, err: unknown): void {
    // cut off by another disconnect: the next connection rejoins; closed: nothing more to do
    if (err instanceof ParleyError && (err.code === 'DISCONNECTED' || err.code === 'CLOSED')) return;
    if (!this.joined.delete(room)) return;
    this.deps.emit(
      'error',
      err instanceof ParleyError
        ? err
        : new ParleyError('PROTOCOL', `could not rejoin ${room}`, { action: '18', cause: err }),
    );
  }
}

function frameOf(action: '18', userId: string, room: string): JoinRoomFrame {
  return { action, fromId: userId, toId: room };
}

function recentOf(reply: JoinRoomReply): HistoryEntry[] {
  return Array.isArray(reply.recent) ? reply.recent.filter((e) => typeof e?.chatMsg?.id === 'string') : [];
}

/** A room's recent entry as a received message. */
export function roomMessage(e: HistoryEntry): ReceivedMessage {
  return {
    fromId: e.fromId,
    toId: e.toId,
    chatMsg: e.chatMsg,
    transient: false,
    conversationId: e.toId,
    kind: 'room',
  };
}
