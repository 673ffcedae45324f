import { expect } from 'vitest';
import type { Frame, TestClient } from '../helpers/test-client.js';

/** Action 18 on `c` and its reply (or error). */
export function join(c: TestClient, room: string): Promise<Frame> {
  c.send({ action: '18', fromId: c.userId, toId: room });
  return c.next((f) => f.action === '18' || f.action === '0');
}

/** Action 19 on `c` and its reply (or error). */
export function leave(c: TestClient, room: string): Promise<Frame> {
  c.send({ action: '19', fromId: c.userId, toId: room });
  return c.next((f) => f.action === '19' || f.action === '0');
}

/** The `chatMsg` of a room message as its receivers get it: status 1, a time, and no `seq`. */
export function roomChatMsg(id: string, message: string, type = 0): Frame {
  return {
    id,
    type,
    message,
    status: 1,
    time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    ts: expect.any(Number),
  };
}

/** A room message as the room's other connections get it. */
export function roomMessage(fromId: string, room: string, id: string, message: string): Frame {
  return { action: '3', fromId, toId: room, chatMsg: roomChatMsg(id, message) };
}
