import { ErrorCode, type JoinRoomFrame, type LeaveRoomFrame } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';
import { roomEntry } from './room-wire.js';

/**
 * Action 18: the connection joins the room (creating it), and gets the room's recent window once
 * live frames of the room reach it; what arrives meanwhile follows the reply, minus what the window
 * already held. Joining again repeats the reply.
 */
export function joinRoom(s: Session, f: JoinRoomFrame): Promise<void> {
  const { ctx } = s;
  const room = f.toId;
  const max = ctx.config.maxRoomsPerConnection;
  const join = ctx.rooms.join(s, room, max);
  if (!join) throw new CoreError(ErrorCode.RateLimited, `at most ${max} rooms per connection`);
  return ctx.rooms.inTurn(s, async () => {
    try {
      await join.subscribed; // before the window is read: nothing committed after the read is missed
      const recent = await ctx.store.roomRecent(room, ctx.config.roomRecentMessages);
      s.reply({ action: '18', toId: f.fromId, room, recent: recent.map((m) => roomEntry(m, ctx.time)) });
      join.release(recent.at(-1)?.seq ?? 0);
    } catch (err) {
      ctx.rooms.leave(s, room);
      throw err;
    }
  });
}

/** Action 19: the connection leaves the room; harmless when it is not in it. */
export function leaveRoom(s: Session, f: LeaveRoomFrame): Promise<void> {
  s.ctx.rooms.leave(s, f.toId);
  return s.ctx.rooms.inTurn(s, async () => s.reply({ action: '19', toId: f.fromId, room: f.toId }));
}
